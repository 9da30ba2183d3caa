// Thin shim over libvips for Swift: libvips' operations take NULL-terminated variadic option lists,
// which Swift cannot call, so each operation AssetImaging uses has one fixed-argument inline wrapper here.
// Every wrapper returns 0 on success and non-zero on failure (message in vips_error_buffer()).
#ifndef ASSETFORGE_CVIPS_SHIM_H
#define ASSETFORGE_CVIPS_SHIM_H

#include <vips/vips.h>

static inline int cvips_init(const char *program) { return vips_init(program); }

/// Opens an image from memory; pixels are decoded lazily, so the header can be checked first.
static inline VipsImage *cvips_new_from_buffer(const void *buffer, size_t length) {
    return vips_image_new_from_buffer(buffer, length, "", "fail", TRUE, NULL);
}

static inline const char *cvips_loader_for_buffer(const void *buffer, size_t length) {
    return vips_foreign_find_load_buffer(buffer, length);
}

static inline int cvips_colourspace_srgb(VipsImage *in, VipsImage **out) {
    return vips_colourspace(in, out, VIPS_INTERPRETATION_sRGB, NULL);
}

static inline int cvips_cast_uchar(VipsImage *in, VipsImage **out) { return vips_cast_uchar(in, out, NULL); }

/// Flattens an alpha channel onto white.
static inline int cvips_flatten_white(VipsImage *in, VipsImage **out) {
    VipsArrayDouble *background = vips_array_double_newv(3, 255.0, 255.0, 255.0);
    int result = vips_flatten(in, out, "background", background, NULL);
    vips_area_unref(VIPS_AREA(background));
    return result;
}

static inline int cvips_extract_bands(VipsImage *in, VipsImage **out, int first, int count) {
    return vips_extract_band(in, out, first, "n", count, NULL);
}

static inline int cvips_invert(VipsImage *in, VipsImage **out) { return vips_invert(in, out, NULL); }
static inline int cvips_bandmean(VipsImage *in, VipsImage **out) { return vips_bandmean(in, out, NULL); }
static inline int cvips_linear1(VipsImage *in, VipsImage **out, double a, double b) {
    return vips_linear1(in, out, a, b, NULL);
}
static inline int cvips_gaussblur(VipsImage *in, VipsImage **out, double sigma) {
    return vips_gaussblur(in, out, sigma, NULL);
}
static inline int cvips_bandjoin2(VipsImage *a, VipsImage *b, VipsImage **out) {
    return vips_bandjoin2(a, b, out, NULL);
}
static inline int cvips_extract_area(VipsImage *in, VipsImage **out, int left, int top, int width, int height) {
    return vips_extract_area(in, out, left, top, width, height, NULL);
}
/// Places the image at (x, y) on a width × height canvas filled with white.
static inline int cvips_embed_white(VipsImage *in, VipsImage **out, int x, int y, int width, int height) {
    return vips_embed(in, out, x, y, width, height, "extend", VIPS_EXTEND_WHITE, NULL);
}
static inline int cvips_resize(VipsImage *in, VipsImage **out, double scale) { return vips_resize(in, out, scale, NULL); }

/// Encodes as PNG; free *buffer with g_free.
static inline int cvips_pngsave_buffer(VipsImage *in, void **buffer, size_t *length) {
    return vips_pngsave_buffer(in, buffer, length, NULL);
}

/// The band values of pixel (x, y); free *values with g_free.
static inline int cvips_getpoint(VipsImage *in, double **values, int *count, int x, int y) {
    return vips_getpoint(in, values, count, x, y, NULL);
}

static inline int cvips_width(const VipsImage *image) { return vips_image_get_width(image); }
static inline int cvips_height(const VipsImage *image) { return vips_image_get_height(image); }
static inline int cvips_bands(const VipsImage *image) { return vips_image_get_bands(image); }
static inline int cvips_has_alpha(VipsImage *image) { return vips_image_hasalpha(image); }
static inline void cvips_unref(VipsImage *image) { g_object_unref(image); }
static inline void cvips_free(void *pointer) { g_free(pointer); }
static inline const char *cvips_error_buffer(void) { return vips_error_buffer(); }
static inline void cvips_error_clear(void) { vips_error_clear(); }
static inline void cvips_cache_set_max(int max) { vips_cache_set_max(max); }

#endif
