#pragma once
#include "engine/request_handler.hpp"

namespace isapi_fcgi::engine {

/// Answers every request with a 404 that names the path, and logs it: what a request for a URL
/// no extension serves gets.
class not_found_handler final : public request_handler {
public:
    void handle(std::shared_ptr<request> r) override;
};

}  // namespace isapi_fcgi::engine
