"The docs preview's Quarto/pandoc syntax converter (tools/docs.py) and the checks of tools/check_preview.py, without a browser."
import importlib.util, re
from pathlib import Path

root = Path(__file__).resolve().parents[1]

def _tool(name):
    spec = importlib.util.spec_from_file_location(name, root/'tools'/f'{name}.py')
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod

docs, check = _tool('docs'), _tool('check_preview')

def test_attrs():
    assert docs.attrs('{#a .b .c key=v title="x y"}') == ' id="a" class="b c" key="v" title="x y"'
    assert docs.attrs("{style='a:b; c:d'}") == ' style="a:b; c:d"'

def test_show_doc_source_link():
    "show_doc's source link: the attributes become the link's HTML attributes."
    md = '[source](https://x.org/a.py#L74){target="_blank" style="float:right; font-size:smaller"}'
    assert docs.quarto_md(md) == '<a href="https://x.org/a.py#L74" target="_blank" style="float:right; font-size:smaller">source</a>'

def test_spans_images_headings_divs():
    md = '## Title {#tid .unnumbered}\n\nA [word]{.mark} and ![a](p.png){width=50%}.\n\n::: {.callout-note}\nNote.\n:::\n\n::: aside\nx\n:::'
    out = docs.quarto_md(md)
    assert out.startswith('## <span id="tid" class="unnumbered"></span>Title\n')
    assert '<span class="mark">word</span>' in out and '<img src="p.png" alt="a" width="50%">' in out
    assert re.search(r'<div class="callout-note">\s+Note\.\s+</div>', out) and re.search(r'<div class="aside">\s+x\s+</div>', out)
    assert ':::' not in out and '{' not in out

def test_code_left_alone():
    "Code blocks and code spans keep their text; fence and span attributes go, raw HTML passes, other raw formats go."
    md = ('`d = {.5: 1}`{.python} and `$x$` and `<b>b</b>`{=html}\n\n```{python}\nd = {"a": 1}  # [x](y){.z} $y$\n```\n\n'
          '``` {.python .numberLines}\nx\n```\n\n```{=html}\n<i>raw</i>\n```\n\n```{=latex}\n\\newpage\n```')
    assert docs.quarto_md(md) == ('`d = {.5: 1}` and `$x$` and <b>b</b>\n\n```python\nd = {"a": 1}  # [x](y){.z} $y$\n```\n\n'
                                  '```python\nx\n```\n\n<i>raw</i>\n')

def test_math():
    "TeX becomes images (TeX as alt text), TeX shorthand included; prices are not math; what mathtext can't draw stays code."
    out = docs.quarto_md(r'Weight $w_c = \frac1C$ costs $5 or $10; $$\text{id} = 32\,\text{BN}$$')
    assert out.count('<img class="math') == 2 and 'class="math display"' in out and 'alt="w_c = \\frac1C"' in out
    assert 'costs $5 or $10;' in out
    assert docs.tex_html(r'\begin{aligned}x\end{aligned}') == r'<code class="math">\begin{aligned}x\end{aligned}</code>'

def test_page_path():
    "Pages are where Quarto puts them: output-file in the notebook's folder."
    assert docs.page_path('01_callback.ipynb', {'output-file': 'callback.html'}) == 'callback.html'
    assert docs.page_path('study/01_table1.ipynb', {'output-file': 'table1.html'}) == 'study/table1.html'
    assert docs.page_path('index.ipynb', {}) == 'index.html'

NAV = '<nav id="sidebar"><a href="index.html">finalbn</a><p>API reference</p><ul><li><a href="callback.html">cb</a></li></ul><p>The study</p></nav>'

def page(body, nav=NAV, title='A page'):
    return f'<html><head><title>{title}</title><script>x = "{{target=\'_blank\'}}"</script></head><body>{nav}<main>{body}</main></body></html>'

def test_check_passes_clean_page():
    assert check.problems(page('<p>Text <code>d = {"a": 1}; f"{x:.3f}"</code> costs $5.</p><pre>$HOME</pre>'),
                          ['API reference', 'The study']) == []

def test_check_finds_raw_syntax():
    errs = check.problems(page('<p>source{target="_blank" style="x"} and [w]{.mark}</p><p>::: {.callout-note}</p>'
                               '<p>$w_c = \\frac1C$</p><h2>T {#t}</h2><p>{=html}</p>'), ['API reference'])
    assert len(errs) == 6 and all('raw Quarto syntax' in e for e in errs[:5]) and 'raw TeX' in errs[5]
    assert '{target="_blank" style="x"}' in errs[0]

def test_check_hidden_text_ignored():
    assert check.problems(page('<div hidden><p>{target="_blank"}</p></div>'), []) == []

def test_check_needs_sidebar_sections_and_title():
    assert check.problems(page('<p>x</p>', nav=''), ['API reference']) == ['no sidebar (<nav id="sidebar"> with links)']
    assert check.problems(page('<p>x</p>'), ['API reference', 'Extras']) == ["sidebar without the section 'Extras'"]
    assert check.problems(page('<p>x</p>', title=''), []) == ['no <title>']

def test_check_finds_frozen_progress_bar():
    errs = check.problems(page('<div><progress max="1" value="0"></progress> 0.00% [0/1 00:00&lt;?]</div>'), [])
    assert errs == ["a frozen progress bar '0.00% [0/1 00:00<'"]

def test_progress_displays_dropped():
    import nbformat
    bar = nbformat.v4.new_output('display_data', data={'text/html': '<progress max="1" value="0"></progress> 0.00%'})
    table = nbformat.v4.new_output('display_data', data={'text/html': '<table class="fastprogress"></table>'})
    assert docs._progress(bar) and not docs._progress(table)
