#include "knot/b.hpp"
#include "knot/a.hpp"
