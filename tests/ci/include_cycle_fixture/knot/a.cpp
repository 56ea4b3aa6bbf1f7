#include "knot/a.hpp"
#include "knot/b.hpp"
