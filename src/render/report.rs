//! The Markdown and HTML reports: `report.md` and `report.html`, in English or Chinese.
//!
//! Consumes the [`RenderContext`] and the message catalogue; produces the two reports from one
//! [`view::ReportView`] through minijinja templates (`templates/report.md.j2`,
//! `templates/report.html.j2` and `templates/partials/`), embedded in the binary and
//! overridden file by file by `--templates DIR`. Undefined template values are errors. The HTML
//! is one self-contained file: inline CSS and SVG, no network reference.

mod text;

pub(crate) use text::gap_reason;
pub use view::{NO_WORDS, Words, words};
pub(crate) use view::{ReproductionWords, row_words};
pub mod view;

use std::path::Path;

use minijinja::syntax::SyntaxConfig;
use minijinja::value::Serde;
use minijinja::{Environment, ErrorKind, UndefinedBehavior, Value};

use super::{Artifact, RenderContext, Renderer};
use crate::error::{Error, Result};

/// The embedded templates: (name, text). `--templates DIR` replaces any of them by
/// `DIR/<name>`.
const TEMPLATES: &[(&str, &str)] = &[
    ("report.md.j2", include_str!("../../templates/report.md.j2")),
    (
        "report.html.j2",
        include_str!("../../templates/report.html.j2"),
    ),
    (
        "profile.md.j2",
        include_str!("../../templates/profile.md.j2"),
    ),
    (
        "profile.html.j2",
        include_str!("../../templates/profile.html.j2"),
    ),
    (
        "partials/macros.md.j2",
        include_str!("../../templates/partials/macros.md.j2"),
    ),
    (
        "partials/macros.html.j2",
        include_str!("../../templates/partials/macros.html.j2"),
    ),
    (
        "partials/report.css",
        include_str!("../../templates/partials/report.css"),
    ),
];

/// The outputs and the templates they are rendered from.
const OUTPUTS: [(&str, &str); 2] = [
    ("report.md", "report.md.j2"),
    ("report.html", "report.html.j2"),
];

/// Checks a `--templates` folder before the run: it must exist, and every file in it must be
/// named like a template it can override (`report.md.j2`, `partials/...`, `i18n/en.toml`...),
/// so that a misspelt override is never silently ignored.
///
/// # Errors
/// [`Error::Config`] naming the folder or the file.
pub fn check_overrides(dir: &Path) -> Result<()> {
    let bad = |message: String| Error::Config {
        path: dir.to_path_buf(),
        message,
    };
    if !dir.is_dir() {
        return Err(bad("`--templates`: the folder does not exist".into()));
    }
    let known: Vec<String> = TEMPLATES
        .iter()
        .map(|(n, _)| (*n).to_string())
        .chain(
            super::i18n::EMBEDDED
                .iter()
                .map(|(n, _)| format!("i18n/{n}")),
        )
        .collect();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(folder) = stack.pop() {
        let entries =
            std::fs::read_dir(&folder).map_err(|e| Error::io("read folder", &folder, e))?;
        for entry in entries.flatten() {
            let path = entry.path();
            let name = path
                .strip_prefix(dir)
                .unwrap_or(&path)
                .to_string_lossy()
                .replace('\\', "/");
            if name.starts_with('.') || name.contains("/.") {
                continue;
            }
            if path.is_dir() {
                stack.push(path);
            } else if !known.contains(&name) {
                return Err(bad(format!(
                    "`{}` is not the name of a template it can override (one of {})",
                    crate::error::echo(&name),
                    known
                        .iter()
                        .map(|k| format!("`{k}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                )));
            }
        }
    }
    Ok(())
}

/// The report renderer.
pub struct Report;

impl Renderer for Report {
    fn name(&self) -> &'static str {
        "report"
    }

    fn render(&self, ctx: &RenderContext<'_>) -> Result<Vec<Artifact>> {
        let templates = ctx.config.templates.as_deref();
        let view = view::build(ctx, ctx.catalogue)?;
        let env = environment(templates);
        let value = Value::from(Serde(&view));
        OUTPUTS
            .iter()
            .map(|&(output, template)| {
                let text = env
                    .get_template(template)
                    .and_then(|t| t.render(&value))
                    .map_err(|e| render_error(output, &e))?;
                Ok(Artifact::text(output, text))
            })
            .collect()
    }
}

/// The template environment: strict undefined values, block tags that leave no blank lines,
/// autoescape by extension (`.html.j2` escapes, `.md.j2` does not), the Markdown filters.
pub(crate) fn environment(overrides: Option<&Path>) -> Environment<'static> {
    let mut env = Environment::new();
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    env.set_syntax(
        SyntaxConfig::builder()
            .trim_blocks(true)
            .lstrip_blocks(true)
            .keep_trailing_newline(true)
            .build()
            .expect("the default delimiters are valid"),
    );
    let dir = overrides.map(Path::to_path_buf);
    env.set_loader(move |name| load_template(dir.as_deref(), name));
    env.add_filter("mdcell", markdown_cell);
    env.add_filter("mdquote", markdown_quote);
    env.add_filter("mdtext", markdown_text);
    env
}

/// A template from the override folder when it has one of that name, else the embedded one.
fn load_template(
    dir: Option<&Path>,
    name: &str,
) -> std::result::Result<Option<String>, minijinja::Error> {
    // Names are relative paths inside the folder; one that climbs out of it is never read.
    let inside = !name.split('/').any(|part| part.is_empty() || part == "..");
    if let Some(path) = dir.map(|d| d.join(name)).filter(|p| inside && p.is_file()) {
        return std::fs::read_to_string(&path).map(Some).map_err(|e| {
            minijinja::Error::new(
                ErrorKind::TemplateNotFound,
                format!("cannot read `{}`: {e}", path.display()),
            )
        });
    }
    Ok(TEMPLATES
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, text)| (*text).to_string()))
}

/// A template error as a render error of `output`; the message names the template and line.
pub(crate) fn render_error(output: &str, e: &minijinja::Error) -> Error {
    let mut message = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(cause) = source {
        message.push_str(": ");
        message.push_str(&cause.to_string());
        source = cause.source();
    }
    Error::Render {
        output: output.into(),
        message,
    }
}

/// `mdcell`: text safe inside a Markdown table cell (`|`, emphasis, links, HTML escaped; line
/// breaks become spaces).
fn markdown_cell(value: &Value) -> std::result::Result<String, minijinja::Error> {
    if value.is_undefined() {
        return Err(minijinja::Error::new(
            ErrorKind::UndefinedError,
            "`mdcell` was given an undefined value",
        ));
    }
    let text = value.to_string();
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' | '|' | '*' | '_' | '<' | '[' | ']' | '`' => {
                out.push('\\');
                out.push(c);
            }
            '\r' => {}
            '\n' => out.push(' '),
            _ => out.push(c),
        }
    }
    Ok(out)
}

/// `mdtext`: running text safe in a Markdown paragraph: raw HTML, emphasis, code and link
/// syntax coming from the data (country names, reasons) is escaped.
fn markdown_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' | '*' | '_' | '<' | '[' | ']' | '`' => {
                out.push('\\');
                out.push(c);
            }
            _ => out.push(c),
        }
    }
    out
}

/// `mdquote`: text as a Markdown block quote, line by line; raw HTML of the input is escaped
/// (`<` as `&lt;`) so that no viewer runs or renders it.
fn markdown_quote(text: &str) -> String {
    text.trim_end()
        .lines()
        .map(|line| {
            if line.trim().is_empty() {
                ">".to_string()
            } else {
                format!("> {}", line.replace('<', "&lt;"))
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// An SVG document ready to inline in HTML: without an XML prolog or doctype, and with a
/// `viewBox` (from its width and height) so that CSS can scale it to the page.
pub(crate) fn inline_svg(svg: &str) -> String {
    let Some(start) = svg.find("<svg") else {
        return svg.to_string();
    };
    let body = &svg[start..];
    let tag_end = body.find('>').unwrap_or(body.len());
    let tag = &body[..tag_end];
    if tag.contains("viewBox") {
        return body.to_string();
    }
    let attribute = |name: &str| -> Option<f64> {
        let at = tag.find(&format!(" {name}=\""))? + name.len() + 3;
        let value = &tag[at..];
        let value = &value[..value.find('"')?];
        value.trim_end_matches("px").parse().ok()
    };
    match (attribute("width"), attribute("height")) {
        (Some(w), Some(h)) => format!("<svg viewBox=\"0 0 {w} {h}\"{}", &body[4..]),
        _ => body.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_cells_escape_what_would_break_a_table() {
        let cell = markdown_cell(&Value::from("a|b *c* _d_ <e> [f](g) `h` \\ \nnext")).unwrap();
        assert_eq!(
            cell,
            "a\\|b \\*c\\* \\_d\\_ \\<e> \\[f\\](g) \\`h\\` \\\\  next"
        );
        assert!(markdown_cell(&Value::UNDEFINED).is_err());
    }

    #[test]
    fn quotes_prefix_every_line() {
        assert_eq!(markdown_quote("# Title\n\ntext\n"), "> # Title\n>\n> text");
        assert_eq!(
            markdown_quote("<script>x</script>"),
            "> &lt;script>x&lt;/script>"
        );
    }

    #[test]
    fn inlined_svg_loses_its_prolog_and_gains_a_view_box() {
        let svg = "<?xml version=\"1.0\"?>\n<svg width=\"800\" height=\"600\" xmlns=\"http://www.w3.org/2000/svg\"><g/></svg>";
        assert_eq!(
            inline_svg(svg),
            "<svg viewBox=\"0 0 800 600\" width=\"800\" height=\"600\" xmlns=\"http://www.w3.org/2000/svg\"><g/></svg>"
        );
        let kept = "<svg viewBox=\"0 0 1 1\"></svg>";
        assert_eq!(inline_svg(kept), kept);
    }

    #[test]
    fn templates_outside_the_override_folder_are_never_read() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("report.md.j2"), "overridden").unwrap();
        let load = |name| load_template(Some(dir.path()), name).unwrap();
        assert_eq!(load("report.md.j2").as_deref(), Some("overridden"));
        assert!(load("report.html.j2").unwrap().contains("<html"));
        assert_eq!(load("../report.md.j2"), None);
        assert_eq!(load("no-such.j2"), None);
    }
}
