#pragma once

#include "tests/emulators/onec/exchange.hpp"
#include "tests/emulators/onec/options.hpp"
#include "tests/emulators/onec/tests/scripted_server.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <unistd.h>
#include <vector>

namespace b2b::emu::onec::testing {

/// A fresh directory per test, removed afterwards.
class TempDir {
public:
    TempDir() {
        auto const* info = ::testing::UnitTest::GetInstance()->current_test_info();
        path_ = std::filesystem::temp_directory_path() /
                ("onec_sim_test_" + std::to_string(::getpid()) + "_" + info->test_suite_name() + "_" + info->name());
        std::filesystem::remove_all(path_);
        std::filesystem::create_directories(path_);
    }
    ~TempDir() {
        std::error_code ignored;
        std::filesystem::remove_all(path_, ignored);
    }
    TempDir(TempDir const&) = delete;
    TempDir& operator=(TempDir const&) = delete;

    std::filesystem::path const& Path() const { return path_; }

    std::string Write(std::string const& relative, std::string const& bytes) const {
        auto const full = path_ / relative;
        std::filesystem::create_directories(full.parent_path());
        std::ofstream(full, std::ios::binary) << bytes;
        return full.string();
    }

private:
    std::filesystem::path path_;
};

inline std::string ReadAll(std::filesystem::path const& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream out;
    out << in.rdbuf();
    return out.str();
}

inline std::string RandomBytes(std::size_t size, unsigned seed) {
    std::mt19937 gen(seed);
    std::string out(size, '\0');
    for (auto& c : out) {
        c = static_cast<char>(gen() & 0xFF);
    }
    return out;
}

inline Options BaseOptions(ScriptedServer const& server, ExchangeType type) {
    Options options;
    options.url = server.Url();
    options.user = "site";
    options.password = "secret";
    options.type = type;
    options.timeout = std::chrono::seconds(10);
    return options;
}

/// All non-checkauth requests (what must carry the session).
inline std::vector<Recorded> AfterCheckauth(std::vector<Recorded> const& requests) {
    std::vector<Recorded> out;
    for (auto const& r : requests) {
        if (r.Mode() != "checkauth") {
            out.push_back(r);
        }
    }
    return out;
}

/// Concatenated bodies of the `mode=file` requests for `name`, in arrival order (what Bitrix,
/// appending, would have on disk).
inline std::string Reassemble(std::vector<Recorded> const& requests, std::string const& name) {
    std::string out;
    for (auto const& r : requests) {
        if (r.Mode() == "file" && r.Get("filename") == name) {
            out += r.body;
        }
    }
    return out;
}

}  // namespace b2b::emu::onec::testing
