// Header name tables: compact forms and the typed headers.
#include "decode/detail/header_names.hpp"

#include "decode/detail/lex.hpp"

#include <array>

namespace sipscope::decode::detail {

namespace {

struct CompactName {
    char letter;
    std::string_view name;
};

// RFC 3261 §7.3.3 and the IANA "Header Fields" registry's compact column.
constexpr std::array<CompactName, 20> CompactNames{{
    {'a', "Accept-Contact"},
    {'b', "Referred-By"},
    {'c', "Content-Type"},
    {'d', "Request-Disposition"},
    {'e', "Content-Encoding"},
    {'f', "From"},
    {'i', "Call-ID"},
    {'j', "Reject-Contact"},
    {'k', "Supported"},
    {'l', "Content-Length"},
    {'m', "Contact"},
    {'n', "Identity-Info"},
    {'o', "Event"},
    {'r', "Refer-To"},
    {'s', "Subject"},
    {'t', "To"},
    {'u', "Allow-Events"},
    {'v', "Via"},
    {'x', "Session-Expires"},
    {'y', "Identity"},
}};

struct TypedName {
    std::string_view name;
    HeaderId id;
};

constexpr std::array<TypedName, 10> TypedNames{{
    {"Call-ID", HeaderId::CallId},
    {"CSeq", HeaderId::CSeq},
    {"From", HeaderId::From},
    {"To", HeaderId::To},
    {"Via", HeaderId::Via},
    {"Content-Length", HeaderId::ContentLength},
    {"Content-Type", HeaderId::ContentType},
    {"Max-Forwards", HeaderId::MaxForwards},
    {"Contact", HeaderId::Contact},
    {"Date", HeaderId::Date},
}};

}  // namespace

std::string_view expandCompactName(std::string_view name) {
    if (name.size() != 1) {
        return name;
    }
    const char letter = toLower(name[0]);
    for (const CompactName& entry : CompactNames) {
        if (entry.letter == letter) {
            return entry.name;
        }
    }
    return name;
}

HeaderId classifyHeader(std::string_view wireName) {
    // Every message has a dozen headers: a name is compared with the typed names of its length, byte for byte (the
    // usual spelling), then letter by letter without case only when the first letters agree.
    const std::string_view name = expandCompactName(wireName);
    if (name.empty())
        return HeaderId::Other;
    const char first = toLower(name[0]);
    for (const TypedName& entry : TypedNames)
        if (entry.name.size() == name.size() &&
            (name == entry.name || (toLower(entry.name[0]) == first && equalsNoCase(name, entry.name))))
            return entry.id;
    return HeaderId::Other;
}

}  // namespace sipscope::decode::detail
