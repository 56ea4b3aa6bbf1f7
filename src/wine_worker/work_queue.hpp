#pragma once
// A fixed pool of threads running posted work in order of arrival. Thread creation under Wine
// costs milliseconds, so the threads are made once, at start-up, and never per request.
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include "srw_sync.hpp"

namespace isapi_fcgi::wine_worker {

class work_queue {
public:
    explicit work_queue(unsigned threads) {
        for (unsigned i = 0; i < threads; ++i) threads_.emplace_back([this] { run(); });
    }
    ~work_queue() {
        {
            std::lock_guard lock(mutex_);
            stopping_ = true;
        }
        wake_.notify_all();
        for (auto& t : threads_) t.join();
    }
    work_queue(const work_queue&) = delete;
    work_queue& operator=(const work_queue&) = delete;

    void post(std::function<void()> work) {
        {
            std::lock_guard lock(mutex_);
            queue_.push_back(std::move(work));
        }
        wake_.notify_one();
    }

private:
    void run() {
        std::unique_lock lock(mutex_);
        while (true) {
            wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
            if (queue_.empty()) return;  // stopping, nothing left
            auto work = std::move(queue_.front());
            queue_.pop_front();
            lock.unlock();
            work();
            lock.lock();
        }
    }

    srw_mutex mutex_;
    srw_condition wake_;
    std::deque<std::function<void()>> queue_;
    bool stopping_ = false;
    std::vector<std::thread> threads_;
};

}  // namespace isapi_fcgi::wine_worker
