#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

#include "core/util/error.hpp"

namespace b2b::onec {

/// Turns the `filename` 1C sends into a safe relative path inside a session's work directory
/// (commerceml.md §1.4, §6 quirk 5): '\' becomes '/', a drive letter ("C:") and a leading "/tmp/"
/// or "upload/1c/webdata/" are stripped, "." and empty components are dropped; sub-folders are
/// kept ("import_files/ab/x.jpg" stays as is: the XML refers to images by that path).
/// Errors (Permanent), message `file name "<raw>" is not allowed: <why>`: empty, NUL or other
/// control characters, a ".." component, an absolute path left after stripping, a component over
/// 255 bytes, or a script name (.php/.php5/.phtml/.pl/.py/.sh/.cgi/.htaccess).
Result<std::string> CanonicalFileName(std::string_view raw);

/// True when the body of an upload chunk starts a new XML document ("<?xml", optionally after a
/// UTF-8 BOM): a chunk like that for an existing file replaces it (WC1C's guard against stale files
/// when the init cleanup did not happen).
bool StartsNewXmlDocument(std::string_view chunk);

/// True when the file at `path` holds a whole XML document as far as its ends show: the root
/// element's start tag is at the beginning (after a BOM, the declaration, comments and processing
/// instructions) and the file ends with that root's end tag (or the root is empty, `<Root .../>`).
/// Byte comparison only, so it works for UTF-8 and windows-1251 alike. Old 1C uploads its sale
/// documents in file_limit chunks and expects each `mode=file` to import (commerceml.md §1.7); a
/// chunk that leaves the document unfinished is stored and the import waits for the last one.
bool HoldsCompleteXmlDocument(std::filesystem::path const& path);

/// Deletes everything in `dir` and recreates it empty (mode=init). Errors (Permanent) name the dir.
Status ResetDirectory(std::filesystem::path const& dir);

/// Appends `bytes` to `path` (creating parent folders and the file), or replaces the file's content
/// when `truncate_first`. Verifies that the file then has exactly the expected size, and returns it.
/// Errors (Permanent): cannot create/open/write, or a size mismatch after writing.
Result<std::uint64_t> AppendToFile(std::filesystem::path const& path, std::string_view bytes, bool truncate_first);

/// Size of `path`, 0 when it does not exist.
std::uint64_t FileSizeOrZero(std::filesystem::path const& path);

}  // namespace b2b::onec
