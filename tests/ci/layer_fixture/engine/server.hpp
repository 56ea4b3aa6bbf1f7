#pragma once
// A layering violation for the check's own test: the engine reading the configuration.
#include "config/settings.hpp"
#include "engine/options.hpp"
