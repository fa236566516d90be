// png_check FILE.png: fails unless FILE is a readable image of real size that is not one flat colour.
#define STB_IMAGE_IMPLEMENTATION
#define STB_IMAGE_STATIC
#include <stb/stb_image.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <unordered_map>

int main(int argc, char** argv) {
    if (argc != 2) {
        std::fprintf(stderr, "usage: png_check FILE.png\n");
        return 1;
    }
    int width = 0;
    int height = 0;
    int channels = 0;
    stbi_uc* pixels = stbi_load(argv[1], &width, &height, &channels, 3);
    if (pixels == nullptr) {
        std::fprintf(stderr, "png_check: cannot read %s: %s\n", argv[1], stbi_failure_reason());
        return 1;
    }
    std::unordered_map<std::uint32_t, std::size_t> colours;
    const std::size_t count = static_cast<std::size_t>(width) * static_cast<std::size_t>(height);
    for (std::size_t i = 0; i < count; ++i) {
        const stbi_uc* p = pixels + 3 * i;
        ++colours[(std::uint32_t{p[0]} << 16) | (std::uint32_t{p[1]} << 8) | p[2]];
    }
    stbi_image_free(pixels);
    std::size_t commonest = 0;
    for (const auto& [colour, n] : colours) {
        commonest = std::max(commonest, n);
    }
    const double background = count == 0 ? 1.0 : static_cast<double>(commonest) / static_cast<double>(count);
    std::printf("png_check: %dx%d, %zu colours, background %.1f%%\n", width, height, colours.size(),
                100.0 * background);
    // A drawn call list has text and table lines: a few colours, and over 2% of pixels off the background.
    // (An error state or an empty window is ~99% background.)
    if (width < 200 || height < 200 || colours.size() < 4 || background > 0.98) {
        std::fprintf(stderr, "png_check: %s looks blank\n", argv[1]);
        return 1;
    }
    return 0;
}
