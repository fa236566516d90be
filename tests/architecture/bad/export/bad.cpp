// Planted for the architecture self-test: each include below must be reported (export/ is below both front ends).
#include "cli/output.hpp"
#include "viewer/app.hpp"
#include <imgui.h>
