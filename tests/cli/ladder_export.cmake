# Ladder export units (SVG, PlantUML, Mermaid, text: ladder/ladder_export, ladder/ladder_text). Included from
# tests/cli/CMakeLists.txt; the goldens are those of `sipscope export ladder` (tests/cli/golden).
sipscope_add_gtest(ladder_export_tests ladder_export_test.cpp)
target_include_directories(ladder_export_tests PRIVATE ${PROJECT_SOURCE_DIR})
target_link_libraries(ladder_export_tests PRIVATE sipscope::ladder)
target_compile_definitions(ladder_export_tests PRIVATE SIPSCOPE_GOLDEN_DIR="${CMAKE_CURRENT_SOURCE_DIR}/golden")
