/// "Did you mean" for unknown file keys.
enum KeySuggestion {
    /// The known key or section closest to `key` (ignoring case), if it is close enough to be a likely typo.
    ///
    /// Sections (`providers`, `providers.kling`) are candidates too, so `provider.kling` suggests
    /// `providers.kling`.
    static func closest(to key: String, among knownKeys: [String]) -> String? {
        let target = Array(key.lowercased())
        var candidates: [String] = []
        var seen: Set<String> = []
        for known in knownKeys {
            let components = known.split(separator: ".")
            for length in 1...components.count {
                let candidate = components.prefix(length).joined(separator: ".")
                if seen.insert(candidate).inserted { candidates.append(candidate) }
            }
        }
        var best: (candidate: String, distance: Int)?
        for candidate in candidates {
            let distance = editDistance(target, Array(candidate.lowercased()))
            if distance < (best?.distance ?? .max) { best = (candidate, distance) }
        }
        guard let best else { return nil }
        let threshold = max(2, min(key.count, best.candidate.count) / 4)
        return best.distance <= threshold ? best.candidate : nil
    }

    /// The known environment variable closest to `variable`, if it is close enough to be a likely typo.
    static func closestVariable(to variable: String, among known: [String]) -> String? {
        let target = Array(variable)
        guard let best = known.min(by: { editDistance(target, Array($0)) < editDistance(target, Array($1)) }) else {
            return nil
        }
        return editDistance(target, Array(best)) <= max(2, best.count / 8) ? best : nil
    }

    /// Levenshtein distance.
    static func editDistance(_ a: [Character], _ b: [Character]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                let substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)
                current[j] = min(previous[j] + 1, current[j - 1] + 1, substitution)
            }
            swap(&previous, &current)
        }
        return previous[b.count]
    }
}
