#pragma once
// include_cycles.py self-test: a and b need each other.
struct a {};
