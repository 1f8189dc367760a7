// A YAML problem's "Line N" link selects that line in the editor (the textarea it points to).
(function () {
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
    const height = editor.scrollHeight / Math.max(lines.length, 1);
    editor.scrollTop = Math.max(0, (line - 4) * height);
  });
})();
