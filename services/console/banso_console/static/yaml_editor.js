// The YAML editors (textarea.yaml): line numbers beside the text, the lines a service found a
// problem on marked in the gutter and tinted in the text, and a problem's "Line N" link selects
// that line. The textarea stays the editor (typing, keyboard, screen readers and the form are
// the browser's own); the gutter only mirrors it and is hidden from assistive technology, which
// reads the problems from their list.
(function () {
  function lineHeight(editor) {
    const style = getComputedStyle(editor);
    const height = parseFloat(style.lineHeight);
    return isNaN(height) ? parseFloat(style.fontSize) * 1.45 : height;
  }

  function problemLines(editor) {
    const lines = new Set();
    document.querySelectorAll("#" + editor.id + "-problems li.yaml-problem").forEach(function (item) {
      const line = parseInt(item.dataset.line, 10);
      if (line) lines.add(line);
    });
    return lines;
  }

  function tint(editor, lines) {
    // One band per problem line, painted behind the text and scrolled with it.
    const height = lineHeight(editor);
    const top = parseFloat(getComputedStyle(editor).paddingTop);
    const bands = [];
    const positions = [];
    lines.forEach(function (line) {
      bands.push("linear-gradient(var(--problem-line), var(--problem-line))");
      positions.push("0 " + (top + (line - 1) * height) + "px");
    });
    editor.style.backgroundImage = bands.join(", ");
    editor.style.backgroundPosition = positions.join(", ");
    editor.style.backgroundSize = bands.map(function () { return "100% " + height + "px"; }).join(", ");
  }

  function enhance(editor) {
    const frame = document.createElement("div");
    frame.className = "yaml-editor";
    const gutter = document.createElement("div");
    gutter.className = "yaml-gutter";
    gutter.setAttribute("aria-hidden", "true");
    editor.parentNode.insertBefore(frame, editor);
    frame.appendChild(gutter);
    frame.appendChild(editor);
    editor.setAttribute("wrap", "off"); // one row per line, so the numbers stay beside them
    const problems = problemLines(editor);
    let shown = -1;

    function number() {
      const count = editor.value.split("\n").length;
      if (count !== shown) {
        const rows = [];
        for (let line = 1; line <= count; line++) {
          rows.push('<span class="' + (problems.has(line) ? "problem" : "") + '">' + line + "</span>");
        }
        gutter.innerHTML = rows.join("");
        shown = count;
      }
      gutter.scrollTop = editor.scrollTop;
    }

    editor.addEventListener("input", number);
    editor.addEventListener("scroll", function () { gutter.scrollTop = editor.scrollTop; });
    number();
    if (problems.size) tint(editor, problems);
  }

  document.querySelectorAll("textarea.yaml").forEach(enhance);

  document.addEventListener("click", function (event) {
    const link = event.target.closest("a.go-to-line");
    if (!link) return;
    const editor = document.querySelector(link.getAttribute("href"));
    const line = parseInt(link.dataset.line, 10);
    if (!editor || !line) return;
    event.preventDefault();
    const lines = editor.value.split("\n");
    let start = 0;
    for (let i = 0; i < Math.min(line - 1, lines.length); i++) start += lines[i].length + 1;
    const end = start + (lines[line - 1] || "").length;
    editor.focus();
    editor.setSelectionRange(start, end);
    editor.scrollTop = Math.max(0, (line - 4) * lineHeight(editor));
  });
})();
