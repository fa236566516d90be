// File -> Open: a file browser drawn in ImGui (no dialog library): folders, then databases and capture files, of one
// folder at a time. Choosing a database opens it; choosing capture files imports them into the open database.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace sipscope::viewer {

class FileBrowser {
public:
    struct Choice {
        std::string path;
        bool isDatabase = false;
    };

    // GUI thread. Shows the browser at `folder` (the current directory when empty).
    void open(const std::string& folder = {});
    // GUI thread. Draws it when open; returns what the user chose, once.
    std::optional<Choice> draw();
    bool isOpen() const { return m_isOpen; }

private:
    struct Entry {
        std::string name;
        bool isFolder = false;
        bool isDatabase = false;
        std::uintmax_t bytes = 0;
    };
    void list();  // reads m_folder (only when it changes, never every frame)

    bool m_isOpen = false;
    bool m_isShowingAll = false;
    std::string m_folder;
    std::string m_typedPath;
    std::vector<Entry> m_entries;
    std::optional<std::size_t> m_selected;
    std::string m_error;
};

}  // namespace sipscope::viewer
