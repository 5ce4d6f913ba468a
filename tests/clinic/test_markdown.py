"""Article Markdown: lists, links and emphasis render; nothing can run script."""

from clinic.markdown import escape_markdown, render_markdown


def test_it_renders_lists_links_emphasis_and_paragraphs():
    html = render_markdown("Some *emphasis* and **strong**.\n\n- one\n- two\n\n1. first\n2. second")
    assert "<em>emphasis</em>" in html and "<strong>strong</strong>" in html
    assert "<ul>\n<li>one</li>\n<li>two</li>\n</ul>" in html
    assert "<ol>\n<li>first</li>" in html


def test_links_keep_safe_schemes_only():
    html = render_markdown(
        "[a](https://example.com) [b](mailto:x@example.com) [c](javascript:alert(1)) "
        "[d](data:text/html;base64,PHNjcmlwdD4=) [e](/conditions/)"
    )
    assert '<a href="https://example.com" rel="noopener noreferrer">a</a>' in html
    assert 'href="mailto:x@example.com"' in html
    assert 'href="/conditions/"' in html
    assert "javascript" not in html and "data:" not in html


def test_raw_html_is_shown_as_text_never_run():
    html = render_markdown(
        '<script>alert(1)</script>\n\nText <img src=x onerror="alert(1)"> and '
        '<a href="#" onclick="x()">link</a>'
    )
    assert "<script" not in html and "<img" not in html and "<a href" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_headings_start_below_the_section_heading():
    html = render_markdown("# Big\n\n## Smaller\n\n###### Tiny")
    assert "<h3>Big</h3>" in html and "<h4>Smaller</h4>" in html and "<h6>Tiny</h6>" in html
    assert "<h1>" not in html and "<h2>" not in html


def test_empty_text_renders_nothing():
    assert render_markdown("") == "" and render_markdown("   \n") == ""


def test_escaped_plain_text_renders_back_to_the_same_words():
    for text in ["1. Not a list", "- not a bullet", "# not a heading", "a_b_c *x* [y](z) \\o/"]:
        html = render_markdown(escape_markdown(text))
        assert html == f"<p>{text}</p>"
