// The export prompt and the thread that writes the file. The exporters are the CLI's (ladder/ladder_export,
// ladder/svg_to_png, export/), so a file from the viewer is the file `sipscope export ...` writes.
#include "viewer/export_menu.hpp"

#include "export/export_file.hpp"
#include "export/frame_export.hpp"
#include "export/rows.hpp"
#include "ladder/ladder_export.hpp"
#include "ladder/svg_to_png.hpp"
#include "viewer/palette.hpp"
#include "viewer/ui_queue.hpp"

#include <GLFW/glfw3.h>
#include <imgui.h>

#include <cstring>
#include <exception>
#include <sstream>
#include <utility>

namespace sipscope::viewer {

namespace {

// Rows read per query while the CSV is written: the list is streamed, never held whole.
constexpr std::size_t CsvPageRows = 2000;

const char* titleOf(ExportKind kind) {
    switch (kind) {
    case ExportKind::LadderPng: return "Export the ladder as PNG";
    case ExportKind::LadderSvg: return "Export the ladder as SVG";
    case ExportKind::CallsPcap: return "Export the selected calls as pcap";
    case ExportKind::ListCsv: return "Export the list as CSV";
    }
    return "Export";
}

// One export, on the worker thread. Returns the status line; throws on failure.
struct Job {
    ExportKind kind = ExportKind::LadderSvg;
    std::string path;
    std::string dbPath;
    std::optional<LadderSnapshot> ladder;
    std::vector<std::int64_t> calls;
    store::Filter filter;
    std::string sortField;
    bool isDescending = false;

    std::string run(const std::stop_token& stop) const {
        std::string done;
        const int code = exports::writeExportFile(path, [&](std::ostream& out) {
            switch (kind) {
            case ExportKind::LadderSvg:
                ladder::writeLadderSvg(out, ladder->call, ladder->model, ladder->columnOrder);
                done = std::to_string(ladder->model.arrows.size()) + " messages";
                return 0;
            case ExportKind::LadderPng: {
                std::ostringstream svg;
                ladder::writeLadderSvg(svg, ladder->call, ladder->model, ladder->columnOrder);
                const std::string png = ladder::renderSvgToPng(svg.str());
                out.write(png.data(), static_cast<std::streamsize>(png.size()));
                done = std::to_string(ladder->model.arrows.size()) + " messages";
                return 0;
            }
            case ExportKind::CallsPcap: {
                const store::Reader reader(dbPath);
                exports::PcapExporter exporter(out);
                reader.forEachCallMessage(calls, true, [&](store::MessageRow& message) {
                    exporter.add(message);
                    return !stop.stop_requested();
                });
                if (stop.stop_requested())
                    return 1;
                const exports::PcapExportReport& report = exporter.report();
                done = std::to_string(report.messages) + " messages of " + std::to_string(calls.size()) + " calls in " +
                       std::to_string(report.frames) + " packets";
                if (report.skippedMessages)
                    done += "; left out " + std::to_string(report.skippedMessages) +
                            (report.skipped.empty() ? std::string() : " (" + report.skipped.front() + ")");
                return 0;
            }
            case ExportKind::ListCsv: {
                const store::Reader reader(dbPath);
                exports::CallsCsvWriter writer(out);
                // Keyset paging from the last row written: each page costs its own rows, however far down the
                // list it is (OFFSET would walk every row before it, page after page).
                std::optional<std::int64_t> after;
                for (;;) {
                    if (stop.stop_requested())
                        return 1;
                    const std::vector<store::CallRow> page =
                        reader.callPageFrom(filter, sortField, isDescending, after, false, 0, CsvPageRows);
                    for (const store::CallRow& call : page)
                        writer.add(call);
                    if (page.size() < CsvPageRows)
                        break;
                    after = page.back().key;
                }
                done = std::to_string(writer.rows()) + " calls";
                return 0;
            }
            }
            return 1;
        });
        if (code != 0)
            throw std::runtime_error(path + ": export stopped (the file is unchanged)");
        return "wrote " + path + ": " + done;
    }
};

}  // namespace

std::string defaultExportName(ExportKind kind) {
    switch (kind) {
    case ExportKind::LadderPng: return "ladder.png";
    case ExportKind::LadderSvg: return "ladder.svg";
    case ExportKind::CallsPcap: return "calls.pcap";
    case ExportKind::ListCsv: return "calls.csv";
    }
    return "export";
}

ExportMenu::ExportMenu(std::string dbPath, UiQueue& ui) : m_dbPath(std::move(dbPath)), m_ui(ui) {}

ExportMenu::~ExportMenu() {
    if (m_worker.joinable()) {
        m_worker.request_stop();
        m_worker.join();
    }
}

void ExportMenu::drawMenuItems(bool hasLadder, bool hasCalls) {
    if (ImGui::MenuItem("Export ladder as PNG...", "Ctrl+P", false, hasLadder))
        ask(ExportKind::LadderPng);
    if (ImGui::MenuItem("Export ladder as SVG...", "Ctrl+S", false, hasLadder))
        ask(ExportKind::LadderSvg);
    if (ImGui::MenuItem("Export selected calls as pcap...", "Ctrl+E", false, hasCalls))
        ask(ExportKind::CallsPcap);
    if (ImGui::MenuItem("Export list as CSV...", "Ctrl+L"))
        ask(ExportKind::ListCsv);
}

void ExportMenu::handleKeys() {
    const ImGuiIO& io = ImGui::GetIO();
    if (!io.KeyCtrl || io.WantTextInput || m_prompt)
        return;
    if (ImGui::IsKeyPressed(GLFW_KEY_P, false))
        ask(ExportKind::LadderPng);
    else if (ImGui::IsKeyPressed(GLFW_KEY_S, false))
        ask(ExportKind::LadderSvg);
    else if (ImGui::IsKeyPressed(GLFW_KEY_E, false))
        ask(ExportKind::CallsPcap);
    else if (ImGui::IsKeyPressed(GLFW_KEY_L, false))
        ask(ExportKind::ListCsv);
}

void ExportMenu::ask(ExportKind kind) { m_asked = kind; }

void ExportMenu::draw(const ExportSources& sources) {
    if (m_asked) {
        m_prompt = std::exchange(m_asked, std::nullopt);
        const std::string name = defaultExportName(*m_prompt);
        std::snprintf(m_path, sizeof m_path, "%s", name.c_str());
        m_promptError.clear();
        m_isFocusAsked = true;
        ImGui::OpenPopup("Export");
    }
    if (!ImGui::BeginPopupModal("Export", nullptr, ImGuiWindowFlags_AlwaysAutoResize)) {
        m_prompt.reset();  // closed by ImGui
        return;
    }
    ImGui::TextUnformatted(titleOf(m_prompt.value_or(ExportKind::ListCsv)));
    ImGui::SetNextItemWidth(ImGui::GetFontSize() * 36);
    if (m_isFocusAsked) {
        ImGui::SetKeyboardFocusHere();
        m_isFocusAsked = false;
    }
    bool isConfirmed = ImGui::InputText("File", m_path, sizeof m_path,
                                        ImGuiInputTextFlags_EnterReturnsTrue | ImGuiInputTextFlags_AutoSelectAll);
    ImGui::TextDisabled("A file that exists is replaced only once the export has succeeded.");
    if (!m_promptError.empty()) {
        ImGui::PushStyleColor(ImGuiCol_Text, palette::Error);
        ImGui::TextUnformatted(m_promptError.c_str());
        ImGui::PopStyleColor();
    }
    isConfirmed = ImGui::Button("Export") || isConfirmed;
    ImGui::SameLine();
    const bool isCancelled = ImGui::Button("Cancel") || ImGui::IsKeyPressed(GLFW_KEY_ESCAPE, false);
    if (isConfirmed && m_prompt) {
        start(*m_prompt, m_path, sources);
        if (m_promptError.empty()) {
            m_prompt.reset();
            ImGui::CloseCurrentPopup();
        }
    } else if (isCancelled) {
        m_prompt.reset();
        ImGui::CloseCurrentPopup();
    }
    ImGui::EndPopup();
}

void ExportMenu::start(ExportKind kind, const std::string& path, const ExportSources& sources) {
    m_promptError.clear();
    if (path.empty()) {
        m_promptError = "Type the name of the file to write.";
        return;
    }
    if (m_isRunning) {
        m_promptError = "An export is still running: wait for it to end.";
        return;
    }
    Job job;
    job.kind = kind;
    job.path = path;
    job.dbPath = m_dbPath;
    switch (kind) {
    case ExportKind::LadderPng:
    case ExportKind::LadderSvg:
        job.ladder = sources.ladder ? sources.ladder() : std::nullopt;
        if (!job.ladder) {
            m_promptError = "No ladder is open: open a call from the list first.";
            return;
        }
        break;
    case ExportKind::CallsPcap:
        job.calls = sources.calls ? sources.calls() : std::vector<std::int64_t>();
        if (job.calls.empty()) {
            m_promptError = "No call is selected: choose or mark calls in the list first.";
            return;
        }
        break;
    case ExportKind::ListCsv:
        job.filter = sources.filter ? sources.filter() : store::Filter();
        job.filter.limit = 0;
        if (sources.sort)
            std::tie(job.sortField, job.isDescending) = sources.sort();
        break;
    }
    if (m_worker.joinable())
        m_worker.join();  // the previous export, already ended
    m_isRunning = true;
    m_worker = std::jthread([this, job = std::move(job)](std::stop_token stop) {
        std::string status;
        bool hasFailed = false;
        try {
            status = job.run(stop);
        } catch (const std::exception& e) {
            status = e.what();
            hasFailed = true;
        }
        {
            std::lock_guard lock(m_mutex);
            m_status = std::move(status);
            m_hasFailed = hasFailed;
        }
        m_isRunning = false;
        m_ui.post([] {});  // wakes an idle frame loop to show the outcome
    });
}

void ExportMenu::drawStatus() {
    std::string status;
    bool hasFailed = false;
    {
        std::lock_guard lock(m_mutex);
        status = m_status;
        hasFailed = m_hasFailed;
    }
    if (m_isRunning) {
        ImGui::TextDisabled("exporting...");
        ImGui::SameLine();
    } else if (!status.empty()) {
        ImGui::PushStyleColor(ImGuiCol_Text, hasFailed ? palette::Error : ImGui::GetColorU32(ImGuiCol_TextDisabled));
        ImGui::Text("%s ·", status.c_str());
        ImGui::PopStyleColor();
        ImGui::SameLine();
    }
}

bool ExportMenu::isBusy() const { return m_isRunning; }

std::string ExportMenu::status() const {
    std::lock_guard lock(m_mutex);
    return m_status;
}

bool ExportMenu::hasFailed() const {
    std::lock_guard lock(m_mutex);
    return m_hasFailed;
}

}  // namespace sipscope::viewer
