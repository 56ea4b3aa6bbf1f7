#include "isapi/coarse_deadlines.hpp"

#include <vector>

namespace isapi_fcgi::isapi {

namespace asio = engine::asio;

coarse_deadlines::coarse_deadlines(asio::execution_context& context)
    : asio::execution_context::service(context),
      timer_(static_cast<asio::io_context&>(context)) {}

coarse_deadlines::~coarse_deadlines() = default;

void coarse_deadlines::add(entry& e, clock::time_point when) {
    std::unique_lock lock(mutex_);
    if (stopped_) return;
    e.when_ = when;
    if (!e.linked_) {
        e.prev_ = nullptr;
        e.next_ = head_;
        if (head_) head_->prev_ = &e;
        head_ = &e;
        e.linked_ = true;
    }
    if (!ticking_) arm_tick(lock);
}

void coarse_deadlines::remove(entry& e) noexcept {
    std::lock_guard lock(mutex_);
    if (e.linked_) unlink(e);
}

void coarse_deadlines::unlink(entry& e) noexcept {
    if (e.prev_) e.prev_->next_ = e.next_;
    else head_ = e.next_;
    if (e.next_) e.next_->prev_ = e.prev_;
    e.prev_ = e.next_ = nullptr;
    e.linked_ = false;
}

void coarse_deadlines::arm_tick(std::unique_lock<std::mutex>&) {
    ticking_ = true;
    timer_.expires_after(tick);
    timer_.async_wait([this](engine::io_error ec) {
        if (ec != asio::error::operation_aborted) on_tick();
    });
}

void coarse_deadlines::on_tick() {
    // Handed back outside the lock: posting may run the owner at once on another I/O thread,
    // and an owner's last reference may drop here (its destructor removes its entry).
    std::vector<std::pair<std::shared_ptr<deadline_owner>, engine::strand_type>> due;
    {
        std::unique_lock lock(mutex_);
        ticking_ = false;
        if (stopped_) return;
        const auto soon = clock::now() + horizon;
        for (entry* e = head_; e;) {
            entry* next = e->next_;
            if (e->when_ <= soon) {
                unlink(*e);
                // An owner being destroyed waits in remove() for this lock: it is skipped.
                if (auto owner = e->owner_.lock()) due.emplace_back(std::move(owner), e->strand_);
            }
            e = next;
        }
        if (head_) arm_tick(lock);
    }
    for (auto& [owner, strand] : due) asio::post(strand, [owner = std::move(owner)] { owner->on_deadline(); });
}

void coarse_deadlines::shutdown() {
    std::lock_guard lock(mutex_);
    stopped_ = true;
    while (head_) unlink(*head_);
    timer_.cancel();
}

}  // namespace isapi_fcgi::isapi
