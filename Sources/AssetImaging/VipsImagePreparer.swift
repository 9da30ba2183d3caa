import CVips

/// ``ImagePreparer`` on libvips (Debian's `libvips-dev`).
///
/// The cut-out treats pixels close to white as background: alpha grows from 0 to 255 as the mean distance
/// from white grows from ``CutOutSettings/backgroundThreshold`` to ``CutOutSettings/foregroundThreshold``,
/// with a slight blur for soft edges. That suits studio photos on white; white parts inside the product
/// also turn transparent (a segmentation model would be the next step).
public struct VipsImagePreparer: ImagePreparer {
    /// Thresholds of the white-background cut-out, as mean distance from white (0–255).
    public struct CutOutSettings: Sendable, Hashable {
        /// At or below: fully transparent. Default 8.
        public var backgroundThreshold = 8.0
        /// At or above: fully opaque. Default 40.
        public var foregroundThreshold = 40.0
        /// Gaussian blur of the alpha edge, sigma in pixels; 0 for none. Default 0.6.
        public var edgeSoftness = 0.6

        /// The defaults.
        public init() {}
    }

    /// Input limits.
    public var limits: ImageLimits
    /// Cut-out thresholds.
    public var cutOutSettings: CutOutSettings

    /// A preparer; initialises libvips once per process.
    public init(limits: ImageLimits = ImageLimits(), cutOutSettings: CutOutSettings = CutOutSettings()) {
        self.limits = limits
        self.cutOutSettings = cutOutSettings
        VipsRuntime.ensureStarted()
    }

    public func inspect(_ image: [UInt8]) throws(ImagePreparationError) -> ImageInfo {
        let (handle, info) = try open(image)
        _ = handle
        return info
    }

    public func cutOut(_ image: [UInt8]) throws(ImagePreparationError) -> PreparedImage {
        let (source, _) = try open(image)
        let rgb = try opaqueRGB(source)
        let settings = cutOutSettings
        let span = max(1, settings.foregroundThreshold - settings.backgroundThreshold)
        let distance = try rgb.apply("invert") { cvips_invert($0, $1) }
            .apply("bandmean") { cvips_bandmean($0, $1) }
        var alpha = try distance.apply("linear") {
            cvips_linear1($0, $1, 255 / span, -settings.backgroundThreshold * 255 / span)
        }.apply("cast") { cvips_cast_uchar($0, $1) }
        if settings.edgeSoftness > 0 {
            alpha = try alpha.apply("gaussblur") { cvips_gaussblur($0, $1, settings.edgeSoftness) }
        }
        let rgba = try VipsImageHandle.join(rgb, alpha)
        return try rgba.png(hasAlpha: true)
    }

    public func fit(
        _ image: [UInt8], aspectWidth: Int, aspectHeight: Int, mode: AspectFit, minimumShortSide: Int
    ) throws(ImagePreparationError) -> PreparedImage {
        guard aspectWidth > 0, aspectHeight > 0 else {
            throw ImagePreparationError(.processingFailed, "aspect ratio \(aspectWidth):\(aspectHeight) is invalid")
        }
        let (source, info) = try open(image)
        var current = try opaqueRGB(source)
        let (w, h) = (info.width, info.height)
        // Compare w/h with aspectWidth/aspectHeight without floating point.
        let imageWider = w * aspectHeight > h * aspectWidth
        switch mode {
        case .crop:
            if imageWider {
                let newWidth = max(1, (h * aspectWidth + aspectHeight / 2) / aspectHeight)
                let left = (w - newWidth) / 2
                current = try current.apply("extract_area") { cvips_extract_area($0, $1, Int32(left), 0, Int32(newWidth), Int32(h)) }
            } else if w * aspectHeight < h * aspectWidth {
                let newHeight = max(1, (w * aspectHeight + aspectWidth / 2) / aspectWidth)
                let top = (h - newHeight) / 2
                current = try current.apply("extract_area") { cvips_extract_area($0, $1, 0, Int32(top), Int32(w), Int32(newHeight)) }
            }
        case .pad:
            if imageWider {
                let newHeight = (w * aspectHeight + aspectWidth - 1) / aspectWidth
                current = try current.apply("embed") { cvips_embed_white($0, $1, 0, Int32((newHeight - h) / 2), Int32(w), Int32(newHeight)) }
            } else if w * aspectHeight < h * aspectWidth {
                let newWidth = (h * aspectWidth + aspectHeight - 1) / aspectHeight
                current = try current.apply("embed") { cvips_embed_white($0, $1, Int32((newWidth - w) / 2), 0, Int32(newWidth), Int32(h)) }
            }
        }
        let shortSide = min(current.width, current.height)
        if minimumShortSide > 0, shortSide < minimumShortSide {
            let scale = Double(minimumShortSide) / Double(shortSide) + 1e-6
            current = try current.apply("resize") { cvips_resize($0, $1, scale) }
        }
        return try current.png(hasAlpha: false)
    }

    /// The band values of pixel (x, y) of an encoded image (for tests and diagnostics).
    func pixel(of image: [UInt8], x: Int, y: Int) throws(ImagePreparationError) -> [Double] {
        try VipsImageHandle.load(image).pixel(x: x, y: y)
    }

    // MARK: Internals

    private func open(_ image: [UInt8]) throws(ImagePreparationError) -> (VipsImageHandle, ImageInfo) {
        guard image.count <= limits.maxBytes else {
            throw ImagePreparationError(.tooLarge, "\(image.count) bytes is more than the limit of \(limits.maxBytes)")
        }
        let handle = try VipsImageHandle.load(image)
        let width = handle.width, height = handle.height
        guard width * height <= limits.maxPixels else {
            throw ImagePreparationError(
                .tooManyPixels, "\(width)×\(height) is more than \(limits.maxPixels) pixels; refusing to decode")
        }
        guard min(width, height) >= limits.minSide else {
            throw ImagePreparationError(.tooSmall, "\(width)×\(height) has a side under \(limits.minSide) pixels")
        }
        let info = ImageInfo(
            width: width, height: height, bands: handle.bands, hasAlpha: handle.hasAlpha, format: handle.format)
        return (handle, info)
    }

    /// sRGB, 8 bits, three bands, alpha flattened onto white.
    private func opaqueRGB(_ source: VipsImageHandle) throws(ImagePreparationError) -> VipsImageHandle {
        var image = try source.apply("colourspace") { cvips_colourspace_srgb($0, $1) }
        if image.hasAlpha {
            image = try image.apply("flatten") { cvips_flatten_white($0, $1) }
        }
        image = try image.apply("cast") { cvips_cast_uchar($0, $1) }
        if image.bands > 3 {
            image = try image.apply("extract_band") { cvips_extract_bands($0, $1, 0, 3) }
        }
        return image
    }
}
