#pragma once
// `isapi-fcgi wine-prefix [--config FILE]`: the install step that creates the Wine prefix of
// every pool user with a `runtime: wine` extension (`wineboot -i` as that user, ~10-20 s and
// ~700 MB for a new prefix), so that the first start does not. Run as root for pools with a
// `user:`; an existing prefix is updated, which takes a second or two. Exit 0 when every prefix
// is ready, 1 with one line per failure naming the pool and the reason, 2 for a command-line
// mistake.
namespace isapi_fcgi::ops {

/// argv[0] is the first argument after `wine-prefix`.
int run_wine_prefix_command(int argc, char** argv);

}  // namespace isapi_fcgi::ops
