#pragma once
struct b {};
