//! The input's README (Markdown) as the outputs show it: HTML for the HTML report, plain lines
//! for the workbook, a quoted block for `report.md`.
//!
//! Consumes the README text as read; produces strings. The input is untrusted: raw HTML in it
//! is escaped and shown as text, never passed through, and links keep only their text.

use pulldown_cmark::{CowStr, Event, Options, Parser, Tag, TagEnd};

fn parser(text: &str) -> Parser<'_> {
    Parser::new_ext(text, Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH)
}

/// The README as an HTML fragment; raw HTML of the input is escaped into text, and links and
/// images become their text (a report must not point at places nobody checked).
pub(crate) fn readme_html(text: &str) -> String {
    let events = parser(text).filter_map(|event| match event {
        Event::Html(html) | Event::InlineHtml(html) => Some(Event::Text(html)),
        Event::Start(Tag::Link { .. } | Tag::Image { .. })
        | Event::End(TagEnd::Link | TagEnd::Image) => None,
        other => Some(other),
    });
    let mut out = String::new();
    pulldown_cmark::html::push_html(&mut out, events);
    out
}

/// The README as plain lines: one per paragraph, heading, list item or table row, without any
/// Markdown syntax; list items start with a bullet, nested ones indented.
pub(crate) fn readme_lines(text: &str) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    let mut depth = 0usize;
    let flush = |line: &mut String, lines: &mut Vec<String>| {
        let trimmed = line.trim_end();
        if !trimmed.trim().is_empty() {
            lines.push(trimmed.to_string());
        }
        line.clear();
    };
    for event in parser(text) {
        match event {
            Event::Start(Tag::List(_)) => {
                flush(&mut line, &mut lines);
                depth += 1;
            }
            Event::End(TagEnd::List(_)) => depth = depth.saturating_sub(1),
            Event::Start(Tag::Item) => {
                flush(&mut line, &mut lines);
                line.push_str(&"  ".repeat(depth.saturating_sub(1)));
                line.push_str("• ");
            }
            Event::Start(Tag::TableCell) if !line.is_empty() => line.push_str(" | "),
            Event::End(
                TagEnd::Paragraph
                | TagEnd::Heading(_)
                | TagEnd::Item
                | TagEnd::TableRow
                | TagEnd::TableHead
                | TagEnd::CodeBlock,
            ) => flush(&mut line, &mut lines),
            Event::Text(t) | Event::Code(t) | Event::Html(t) | Event::InlineHtml(t) => {
                push_text(&mut line, &mut lines, &t);
            }
            Event::SoftBreak => line.push(' '),
            Event::HardBreak => flush(&mut line, &mut lines),
            _ => {}
        }
    }
    flush(&mut line, &mut lines);
    lines
}

/// Text of one event; a code block's lines stay lines.
fn push_text(line: &mut String, lines: &mut Vec<String>, text: &CowStr<'_>) {
    let mut parts = text.split('\n').peekable();
    while let Some(part) = parts.next() {
        line.push_str(part);
        if parts.peek().is_some() {
            let done = line.trim_end().to_string();
            if !done.trim().is_empty() {
                lines.push(done);
            }
            line.clear();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const README: &str = "# Title\n\n**Not** official `data`, see [the site](http://x).\n\n\
        - one\n- two `b`\n  - nested\n\n<script>alert(1)</script>\n\nA <b>bold</b> word.\n";

    #[test]
    fn html_renders_markdown_and_escapes_raw_html() {
        let html = readme_html(README);
        assert!(html.contains("<h1>Title</h1>"), "{html}");
        assert!(html.contains("<strong>Not</strong>"), "{html}");
        assert!(html.contains("<code>data</code>"), "{html}");
        assert!(html.contains("&lt;script&gt;"), "{html}");
        assert!(html.contains("&lt;b&gt;bold&lt;/b&gt;"), "{html}");
        assert!(
            !html.contains("<script") && !html.contains("href"),
            "{html}"
        );
    }

    #[test]
    fn plain_lines_carry_no_markdown_syntax() {
        let lines = readme_lines(README);
        assert_eq!(
            lines,
            [
                "Title",
                "Not official data, see the site.",
                "• one",
                "• two b",
                "  • nested",
                "<script>alert(1)</script>",
                "A <b>bold</b> word.",
            ]
        );
    }
}
