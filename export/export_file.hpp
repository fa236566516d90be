// Writing an export file so that a failed export never destroys the file it would have replaced.
#pragma once

#include <functional>
#include <ostream>
#include <string>

namespace sipscope::exports {

// Runs `write` on a temporary file beside `path` (same folder, so the rename cannot cross file systems) and
// renames it over `path` only when `write` returns 0 and everything was written; otherwise, and when `write` throws,
// the temporary file is removed and `path` is left as it was. A new file gets the usual permissions (0666 less the
// umask), a replaced one keeps its own. "-" writes to standard output; a path that exists and is not a regular
// file (/dev/null, a FIFO) is written directly. Returns what `write` returned; throws sipscope::Error when the
// file cannot be written.
int writeExportFile(const std::string& path, const std::function<int(std::ostream&)>& write);

}  // namespace sipscope::exports
