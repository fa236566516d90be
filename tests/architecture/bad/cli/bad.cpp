// Planted for the architecture self-test: each include below must be reported.
#include "viewer/app.hpp"
#include <imgui.h>
