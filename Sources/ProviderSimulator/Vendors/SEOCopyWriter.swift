import Foundation

/// Canned SEO copy in a handful of languages, shaped as the JSON AssetForge asks Qwen for.
enum SEOCopyWriter {
    private struct Phrases {
        let title: String
        let bullets: [String]
        let description: String
        let keywords: [String]
    }

    private static func phrases(_ language: String, _ product: String) -> Phrases {
        switch language.lowercased().prefix(2) {
        case "zh":
            return Phrases(
                title: "\(product) — 品质之选",
                bullets: ["精选材质，经久耐用", "简约设计，百搭实用", "细节考究，做工精良", "轻松打理，省心省力", "贴心售后，购物无忧"],
                description: "\(product)兼顾颜值与实用，是日常生活的理想伴侣。",
                keywords: [product, "品质", "耐用", "热卖"])
        case "de":
            return Phrases(
                title: "\(product) – Qualität für jeden Tag",
                bullets: [
                    "Langlebige Materialien", "Zeitloses Design", "Sorgfältige Verarbeitung", "Leicht zu pflegen",
                    "Zufriedenheitsgarantie",
                ],
                description: "\(product) verbindet Stil und Alltagstauglichkeit.",
                keywords: [product, "Qualität", "langlebig", "Geschenk"])
        case "fr":
            return Phrases(
                title: "\(product) – la qualité au quotidien",
                bullets: [
                    "Matériaux durables", "Design intemporel", "Finitions soignées", "Entretien facile", "Satisfaction garantie",
                ],
                description: "\(product) allie style et praticité au quotidien.",
                keywords: [product, "qualité", "durable", "cadeau"])
        case "ja":
            return Phrases(
                title: "\(product) ― 毎日使える高品質",
                bullets: ["耐久性のある素材", "シンプルなデザイン", "丁寧な仕上げ", "お手入れ簡単", "満足保証"],
                description: "\(product)はスタイルと実用性を兼ね備えています。",
                keywords: [product, "高品質", "耐久性", "ギフト"])
        case "es":
            return Phrases(
                title: "\(product): calidad para cada día",
                bullets: [
                    "Materiales duraderos", "Diseño atemporal", "Acabados cuidados", "Fácil de limpiar", "Satisfacción garantizada",
                ],
                description: "\(product) combina estilo y practicidad.",
                keywords: [product, "calidad", "duradero", "regalo"])
        default:
            return Phrases(
                title: "\(product) – Everyday Quality",
                bullets: [
                    "Durable materials built to last", "Timeless, versatile design", "Carefully finished details",
                    "Easy to clean and care for", "Satisfaction guaranteed",
                ],
                description: "\(product) combines style and everyday practicality.",
                keywords: [product, "quality", "durable", "gift"])
        }
    }

    /// A JSON object `{title, bullets[5], description, keywords[], language}` as text.
    static func json(product: String, language: String) -> String {
        let p = phrases(language, product)
        let object: [String: Any] = [
            "title": p.title, "bullets": p.bullets, "description": p.description, "keywords": p.keywords,
            "language": language,
        ]
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }
}
