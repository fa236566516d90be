# Ladder export units (SVG, PlantUML, Mermaid, text). Included from tests/cli/CMakeLists.txt.
sipscope_add_gtest(ladder_export_tests
    ladder_export_test.cpp
    ${PROJECT_SOURCE_DIR}/cli/ladder_export.cpp
    ${PROJECT_SOURCE_DIR}/cli/ladder_text.cpp
    ${PROJECT_SOURCE_DIR}/cli/output.cpp
)
target_include_directories(ladder_export_tests PRIVATE ${PROJECT_SOURCE_DIR})
target_link_libraries(ladder_export_tests PRIVATE sipscope::ladder nlohmann_json::nlohmann_json)
target_compile_definitions(ladder_export_tests PRIVATE SIPSCOPE_GOLDEN_DIR="${CMAKE_CURRENT_SOURCE_DIR}/golden")
