#include "isapi/coarse_deadlines.hpp"  // first: proves the header is self-contained

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

// The coarse list is touched from every side at once in the host: requests register and leave it
// on their strands, a request's end removes it from an extension thread, its destructor may run
// on whichever thread drops the last reference (the tick's own hand-back among them), and the
// tick walks it on an I/O thread. These tests drive each of those paths concurrently on a real
// io_context with two I/O threads (label async: part of the TSan subset).
namespace isapi_fcgi::isapi {
namespace {

using namespace std::chrono_literals;
using clock = coarse_deadlines::clock;

struct owner;

/// What the owners report, and the events the tests wait on.
struct ledger {
    std::mutex mutex;
    std::condition_variable changed;
    std::map<int, int> calls;
    std::map<int, bool> early;  // handed back before its deadline
    std::map<int, bool> on_strand;
    int destroyed = 0;
    std::map<int, std::shared_ptr<owner>> released_on_call;  // let go inside on_deadline

    bool wait(std::unique_lock<std::mutex>& lock, auto done) { return changed.wait_for(lock, 15s, done); }
};

struct owner final : deadline_owner, std::enable_shared_from_this<owner> {
    owner(int number, coarse_deadlines& list, engine::strand_type its_strand, ledger& reports, int readds = 0)
        : id(number), deadlines(list), strand(std::move(its_strand)), book(reports), readds_left(readds) {}
    ~owner() {
        if (entry) deadlines.remove(*entry);
        std::lock_guard lock(book.mutex);
        ++book.destroyed;
        book.changed.notify_all();
    }
    void add(clock::time_point at) {
        when = at;
        if (!entry) entry.emplace(weak_from_this(), strand);
        deadlines.add(*entry, at);
    }
    void on_deadline() override {
        std::shared_ptr<owner> last;  // dropped after the lock: this owner may end here
        std::lock_guard lock(book.mutex);
        ++book.calls[id];
        book.early[id] = clock::now() < when;
        book.on_strand[id] = strand.running_in_this_thread();
        if (readds_left > 0) {
            --readds_left;
            add(clock::now() + coarse_deadlines::horizon + 500ms);
        }
        if (auto it = book.released_on_call.find(id); it != book.released_on_call.end()) {
            last = std::move(it->second);
            book.released_on_call.erase(it);
        }
        book.changed.notify_all();
    }

    const int id;
    coarse_deadlines& deadlines;
    engine::strand_type strand;
    ledger& book;
    int readds_left;
    clock::time_point when{};
    std::optional<coarse_deadlines::entry> entry;
};

class coarse_deadlines_race : public ::testing::Test {
protected:
    void SetUp() override {
        for (int i = 0; i < 2; ++i) threads_.emplace_back([this] { io_.run(); });
    }
    void TearDown() override {
        work_.reset();
        io_.stop();
        for (auto& t : threads_) t.join();
    }
    std::shared_ptr<owner> make_owner(int id, int readds = 0) {
        return std::make_shared<owner>(id, deadlines_, boost::asio::make_strand(io_), book_, readds);
    }
    static clock::time_point far_but_due_soon() { return clock::now() + coarse_deadlines::horizon + 500ms; }

    ledger book_;  // first: outlives everything that reports into it
    boost::asio::io_context io_;
    std::optional<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> work_{io_.get_executor()};
    coarse_deadlines& deadlines_ = boost::asio::use_service<coarse_deadlines>(io_);
    std::vector<std::thread> threads_;
};

TEST_F(coarse_deadlines_race, owners_registered_from_many_threads_are_each_handed_back_once_early_on_their_strand) {
    constexpr int per_thread = 32;
    std::vector<std::shared_ptr<owner>> owners;
    for (int i = 0; i < 4 * per_thread; ++i) owners.push_back(make_owner(i, i % 4 == 0 ? 1 : 0));
    std::vector<std::thread> registering;
    for (int t = 0; t < 4; ++t)
        registering.emplace_back([&, t] {
            for (int i = t * per_thread; i < (t + 1) * per_thread; ++i)
                boost::asio::post(owners[i]->strand, [o = owners[i]] { o->add(far_but_due_soon()); });
        });
    for (auto& t : registering) t.join();
    const auto expected_calls = [](int id) { return id % 4 == 0 ? 2 : 1; };  // re-added once from on_deadline
    std::unique_lock lock(book_.mutex);
    ASSERT_TRUE(book_.wait(lock, [&] {
        for (int i = 0; i < 4 * per_thread; ++i)
            if (book_.calls[i] < expected_calls(i)) return false;
        return true;
    }));
    lock.unlock();
    owners.clear();  // their destructors remove what is still registered, racing the next tick
    lock.lock();
    ASSERT_TRUE(book_.wait(lock, [&] { return book_.destroyed == 4 * per_thread; }));
    for (int i = 0; i < 4 * per_thread; ++i) {
        EXPECT_EQ(book_.calls[i], expected_calls(i)) << "owner " << i;
        EXPECT_TRUE(book_.early[i]) << "owner " << i << " was handed back after its deadline";
        EXPECT_TRUE(book_.on_strand[i]) << "owner " << i;
    }
}

TEST_F(coarse_deadlines_race, removed_or_destroyed_owners_are_never_called_while_ticks_hand_back_others) {
    constexpr int count = 96;
    std::vector<std::shared_ptr<owner>> kept;
    std::vector<std::shared_ptr<owner>> removed;
    for (int i = 0; i < count; ++i) {
        auto o = make_owner(i);
        o->add(far_but_due_soon());
        switch (i % 3) {
        case 0: kept.push_back(std::move(o)); break;
        case 1: removed.push_back(std::move(o)); break;
        default: {
            // Held only by the ledger until its own hand-back lets go of it: its destructor then
            // runs on the I/O thread, inside the strand handler the tick posted.
            std::lock_guard lock(book_.mutex);
            book_.released_on_call[i] = std::move(o);
        }
        }
    }
    // Churn: owners that register (far away, never due) and leave again, from two threads, for
    // as long as the ticks run, and the removed group leaving from an extension-like thread.
    std::atomic<bool> stop_churn{false};
    std::vector<std::thread> churn;
    for (int t = 0; t < 2; ++t)
        churn.emplace_back([&, t] {
            int id = 1000 * (t + 1);
            while (!stop_churn.load()) {
                auto o = make_owner(id++);
                o->add(clock::now() + 1h);
                if (id % 2) deadlines_.remove(*o->entry);
            }  // the others leave in their destructor
        });
    std::thread leaver([&] {
        for (auto& o : removed) deadlines_.remove(*o->entry);
    });
    leaver.join();
    {
        std::unique_lock lock(book_.mutex);
        EXPECT_TRUE(book_.wait(lock, [&] {
            for (int i = 0; i < count; i += 3)
                if (book_.calls[i] == 0) return false;
            return book_.released_on_call.empty();
        }));
    }
    stop_churn = true;
    for (auto& t : churn) t.join();
    std::lock_guard lock(book_.mutex);
    for (int i = 0; i < count; ++i) {
        const int expected = i % 3 == 1 ? 0 : 1;
        EXPECT_EQ(book_.calls[i], expected) << "owner " << i;
    }
    for (const auto& [id, calls] : book_.calls) EXPECT_LT(id, count) << "a churned owner, never due, was called";
}

}  // namespace
}  // namespace isapi_fcgi::isapi
