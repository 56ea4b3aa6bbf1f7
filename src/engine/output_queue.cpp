#include "engine/output_queue.hpp"

#include <algorithm>
#include <cstring>

#include "fcgi/record_header.hpp"
#include "fcgi/record_writer.hpp"

namespace isapi_fcgi::engine {

output_queue::entry& output_queue::add_stream_record(fcgi::record_type type, std::uint16_t id,
                                                     std::size_t length) {
    entry& e = pending_.emplace_back();
    const auto header = fcgi::encode_header(type, id, static_cast<std::uint16_t>(length));
    std::memcpy(e.head.data(), header.data(), header.size());
    e.head_size = fcgi::header_size;
    e.padding = fcgi::padding_for(length);
    pending_bytes_ += fcgi::header_size + length + e.padding;
    return e;
}

void output_queue::push_stream(fcgi::record_type type, std::uint16_t id,
                               std::span<const std::byte> payload, written_handler on_written) {
    if (payload.empty()) {
        add_stream_record(type, id, 0).on_written = std::move(on_written);
        return;
    }
    fcgi::for_each_record_chunk(payload.size(), [&](std::size_t offset, std::size_t length) {
        add_stream_record(type, id, length).borrowed = asio::buffer(payload.data() + offset, length);
    });
    pending_.back().on_written = std::move(on_written);
}

void output_queue::push_owned_stream(fcgi::record_type type, std::uint16_t id, std::string payload,
                                     written_handler on_written) {
    if (payload.size() <= fcgi::max_content_length) {
        entry& e = add_stream_record(type, id, payload.size());
        e.owned = std::move(payload);
        e.on_written = std::move(on_written);
        return;
    }
    // Rare (engine responses are small): each record gets its own copy, so entries stay movable.
    fcgi::for_each_record_chunk(payload.size(), [&](std::size_t offset, std::size_t length) {
        add_stream_record(type, id, length).owned = payload.substr(offset, length);
    });
    pending_.back().on_written = std::move(on_written);
}

void output_queue::push_record(std::span<const std::byte> record_bytes) {
    entry& e = pending_.emplace_back();
    if (record_bytes.size() <= e.head.size()) {
        std::memcpy(e.head.data(), record_bytes.data(), record_bytes.size());
        e.head_size = static_cast<std::uint8_t>(record_bytes.size());
    } else {
        e.owned.assign(reinterpret_cast<const char*>(record_bytes.data()), record_bytes.size());
    }
    pending_bytes_ += record_bytes.size();
}

void output_queue::push_owned_record(std::string record_bytes) {
    pending_bytes_ += record_bytes.size();
    pending_.emplace_back().owned = std::move(record_bytes);
}

std::span<const asio::const_buffer> output_queue::start_batch() {
    std::swap(in_flight_, pending_);
    in_flight_bytes_ = std::exchange(pending_bytes_, 0);
    gather_.clear();
    gather_next_ = 0;
    for (const entry& e : in_flight_) {
        if (e.head_size) gather_.emplace_back(e.head.data(), e.head_size);
        if (!e.owned.empty()) gather_.emplace_back(asio::buffer(e.owned));
        else if (e.borrowed.size()) gather_.push_back(e.borrowed);
        if (e.padding) gather_.emplace_back(asio::buffer(fcgi::padding_bytes(e.padding).data(), e.padding));
    }
    return std::span<const asio::const_buffer>(gather_);
}

std::span<const asio::const_buffer> output_queue::consume(std::size_t n) {
    if (n == in_flight_bytes_) {  // the whole batch, as nearly always: no buffer to step past
        in_flight_bytes_ = 0;
        finish_batch();
        return {};
    }
    while (n > 0 && gather_next_ < gather_.size()) {
        auto& b = gather_[gather_next_];
        const std::size_t take = std::min(n, b.size());
        b += take;
        n -= take;
        in_flight_bytes_ -= take;
        if (b.size() == 0) ++gather_next_;
    }
    while (gather_next_ < gather_.size() && gather_[gather_next_].size() == 0) ++gather_next_;
    if (gather_next_ < gather_.size())
        return std::span<const asio::const_buffer>(gather_).subspan(gather_next_);
    finish_batch();
    return {};
}

void output_queue::finish_batch() {
    // Handlers may queue more output; that lands in pending_, which is not being iterated.
    for (entry& e : in_flight_)
        if (e.on_written) std::exchange(e.on_written, nullptr)(std::error_code{});
    in_flight_.clear();
    gather_.clear();
    gather_next_ = 0;
}

void output_queue::fail_all(std::error_code ec) {
    std::vector<written_handler> handlers;
    for (auto* list : {&in_flight_, &pending_})
        for (entry& e : *list)
            if (e.on_written) handlers.push_back(std::move(e.on_written));
    in_flight_.clear();
    pending_.clear();
    gather_.clear();
    gather_next_ = 0;
    pending_bytes_ = 0;
    in_flight_bytes_ = 0;
    for (auto& h : handlers) h(ec);
}

}  // namespace isapi_fcgi::engine
