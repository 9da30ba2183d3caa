import CVips

/// Starts libvips once per process.
enum VipsRuntime {
    private static let started: Bool = {
        guard cvips_init("assetforge") == 0 else { return false }
        // Operations are not repeated on the same inputs; the operation cache would only hold memory.
        cvips_cache_set_max(0)
        return true
    }()

    static func ensureStarted() { _ = started }
}

/// Owns one `VipsImage` reference; every libvips call of this module goes through here.
final class VipsImageHandle {
    let pointer: UnsafeMutablePointer<VipsImage>
    /// The encoded bytes, owned here: libvips reads them lazily and does not copy them.
    private let source: UnsafeMutableRawBufferPointer?
    /// Images this one was computed from, kept alive while libvips may still read them.
    private let parents: [VipsImageHandle]
    private let formatName: String

    private init(_ pointer: UnsafeMutablePointer<VipsImage>, source: UnsafeMutableRawBufferPointer?, parents: [VipsImageHandle], format: String) {
        self.pointer = pointer
        self.source = source
        self.parents = parents
        self.formatName = format
    }

    deinit {
        cvips_unref(pointer)
        source?.deallocate()
    }

    static func load(_ bytes: [UInt8]) throws(ImagePreparationError) -> VipsImageHandle {
        VipsRuntime.ensureStarted()
        guard !bytes.isEmpty else { throw ImagePreparationError(.undecodable, "empty input") }
        let storage = UnsafeMutableRawBufferPointer.allocate(byteCount: bytes.count, alignment: 16)
        storage.copyBytes(from: bytes)
        guard let base = storage.baseAddress, let loader = cvips_loader_for_buffer(base, storage.count),
            let pointer = cvips_new_from_buffer(base, storage.count)
        else {
            storage.deallocate()
            throw ImagePreparationError(.undecodable, "not a supported image (\(errorText()))")
        }
        let format = formatName(loader: String(cString: loader))
        return VipsImageHandle(pointer, source: storage, parents: [], format: format)
    }

    var width: Int { Int(cvips_width(pointer)) }
    var height: Int { Int(cvips_height(pointer)) }
    var bands: Int { Int(cvips_bands(pointer)) }
    var hasAlpha: Bool { cvips_has_alpha(pointer) != 0 }
    var format: String { formatName }

    /// Runs one libvips operation producing a new image.
    func apply(
        _ name: String, _ operation: (UnsafeMutablePointer<VipsImage>, UnsafeMutablePointer<UnsafeMutablePointer<VipsImage>?>) -> Int32
    ) throws(ImagePreparationError) -> VipsImageHandle {
        var output: UnsafeMutablePointer<VipsImage>?
        guard operation(pointer, &output) == 0, let output else {
            throw ImagePreparationError(.processingFailed, "\(name): \(Self.errorText())")
        }
        return VipsImageHandle(output, source: nil, parents: [self], format: formatName)
    }

    static func join(_ first: VipsImageHandle, _ second: VipsImageHandle) throws(ImagePreparationError) -> VipsImageHandle {
        var output: UnsafeMutablePointer<VipsImage>?
        guard cvips_bandjoin2(first.pointer, second.pointer, &output) == 0, let output else {
            throw ImagePreparationError(.processingFailed, "bandjoin: \(errorText())")
        }
        return VipsImageHandle(output, source: nil, parents: [first, second], format: first.formatName)
    }

    func png(hasAlpha: Bool) throws(ImagePreparationError) -> PreparedImage {
        var buffer: UnsafeMutableRawPointer?
        var length = 0
        guard cvips_pngsave_buffer(pointer, &buffer, &length) == 0, let buffer else {
            throw ImagePreparationError(.processingFailed, "pngsave: \(Self.errorText())")
        }
        defer { cvips_free(buffer) }
        let bytes = [UInt8](UnsafeRawBufferPointer(start: buffer, count: length))
        return PreparedImage(png: bytes, width: width, height: height, hasAlpha: hasAlpha)
    }

    /// The band values of one pixel.
    func pixel(x: Int, y: Int) throws(ImagePreparationError) -> [Double] {
        var values: UnsafeMutablePointer<Double>?
        var count: Int32 = 0
        guard cvips_getpoint(pointer, &values, &count, Int32(x), Int32(y)) == 0, let values else {
            throw ImagePreparationError(.processingFailed, "getpoint: \(Self.errorText())")
        }
        defer { cvips_free(values) }
        return Array(UnsafeBufferPointer(start: values, count: Int(count)))
    }

    static func errorText() -> String {
        let text = cvips_error_buffer().map { String(cString: $0) } ?? ""
        cvips_error_clear()
        return text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty ? "libvips error" : text
    }

    private static func formatName(loader: String) -> String {
        // e.g. "VipsForeignLoadPngBuffer" → "png"
        var name = loader
        for prefix in ["VipsForeignLoad"] where name.hasPrefix(prefix) { name.removeFirst(prefix.count) }
        for suffix in ["Buffer", "Source"] where name.hasSuffix(suffix) { name.removeLast(suffix.count) }
        return name.lowercased()
    }
}

extension String {
    fileprivate func trimmingCharacters(in set: Set<Character>) -> String {
        String(drop { set.contains($0) }.reversed().drop { set.contains($0) }.reversed())
    }
}

extension Set where Element == Character {
    fileprivate static let whitespacesAndNewlines: Set<Character> = [" ", "\n", "\t", "\r"]
}
