/// The images the simulator serves: task results and sample product photos.
enum ResultFiles {
    /// The PNG result `index` of an image task: its colour depends on the task id and index, its aspect ratio
    /// on the requested size, its long side on `maxSide`.
    static func image(for task: SimulatedTask, index: Int, maxSide: Int) -> [UInt8] {
        var width = 1024, height = 1024
        if case .images(_, let w, let h) = task.payload { (width, height) = (w, h) }
        let scale = Double(maxSide) / Double(max(width, height))
        let w = max(1, Int((Double(width) * scale).rounded())), h = max(1, Int((Double(height) * scale).rounded()))
        let hash = stableHash("\(task.id)#\(index)")
        return PNGEncoder.pattern(
            width: w, height: h, red: UInt8(truncatingIfNeeded: hash), green: UInt8(truncatingIfNeeded: hash >> 8),
            blue: UInt8(truncatingIfNeeded: hash >> 16))
    }

    /// A sample product photo: a coloured ellipse (colour from the name) on white, `width` × `height`.
    static func sample(named name: String, width: Int, height: Int) -> [UInt8] {
        let hash = stableHash(name)
        // Keep the product clearly darker than the white background.
        func channel(_ shift: UInt64) -> UInt8 { UInt8(truncatingIfNeeded: (hash >> shift) % 180) }
        return PNGEncoder.productOnWhite(width: width, height: height, red: channel(0), green: channel(8), blue: channel(16))
    }
}
