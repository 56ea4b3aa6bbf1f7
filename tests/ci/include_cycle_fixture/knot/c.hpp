#pragma once
// Not in the cycle: c uses a.
#include "knot/a.hpp"
