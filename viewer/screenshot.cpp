// Framebuffer to PNG through stb_image_write (static here, so it cannot clash with libstb's copy).
#include "viewer/screenshot.hpp"

#include "common/error.hpp"

#include <GL/gl.h>

#include <cstddef>
#include <cstring>
#include <vector>

#define STB_IMAGE_WRITE_IMPLEMENTATION
#define STB_IMAGE_WRITE_STATIC
#include <stb/stb_image_write.h>

namespace sipscope::viewer {

void writeFramebufferPng(const std::string& path, int widthPx, int heightPx) {
    const std::size_t stride = static_cast<std::size_t>(widthPx) * 3;
    std::vector<unsigned char> pixels(stride * static_cast<std::size_t>(heightPx));
    glPixelStorei(GL_PACK_ALIGNMENT, 1);
    glReadBuffer(GL_BACK);
    glReadPixels(0, 0, widthPx, heightPx, GL_RGB, GL_UNSIGNED_BYTE, pixels.data());
    // OpenGL's first row is the bottom one; PNG's is the top.
    std::vector<unsigned char> row(stride);
    for (int top = 0, bottom = heightPx - 1; top < bottom; ++top, --bottom) {
        unsigned char* a = pixels.data() + stride * static_cast<std::size_t>(top);
        unsigned char* b = pixels.data() + stride * static_cast<std::size_t>(bottom);
        std::memcpy(row.data(), a, stride);
        std::memcpy(a, b, stride);
        std::memcpy(b, row.data(), stride);
    }
    if (stbi_write_png(path.c_str(), widthPx, heightPx, 3, pixels.data(), static_cast<int>(stride)) == 0) {
        throw Error("cannot write screenshot " + path);
    }
}

}  // namespace sipscope::viewer
