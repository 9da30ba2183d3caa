/// What a generation cost, when the provider reports it.
public struct Cost: Sendable, Hashable, Codable {
    /// The amount, at least 0.
    public var amount: Double
    /// The ISO 4217 currency code in uppercase, e.g. `CNY`, `USD`.
    public var currency: String

    /// Creates a cost.
    public init(amount: Double, currency: String) {
        self.amount = amount
        self.currency = currency
    }
}

extension Cost {
    init(validating field: Field) throws(EventValidationError) {
        let object = try field.object()
        let amount = try object.required("amount", "data.cost.amount")
        self.amount = try amount.number()
        guard self.amount >= 0 else { throw amount.violation("must be at least 0, got \(Field.format(self.amount))") }
        let currency = try object.required("currency", "data.cost.currency")
        self.currency = try currency.string()
        guard Syntax.isCurrency(self.currency) else {
            throw currency.violation("\(Quoted(self.currency)) is not an uppercase ISO 4217 currency code")
        }
    }
}
