// The outcomes editor: "Move up" and "Move down" without reloading the page. The buttons are
// forms that work without JavaScript (each move a POST and a new page); here the same POST
// is sent in the background, the editor is replaced by the page it answers with, and the
// focus stays on the moved item's button, the move said in words for screen readers.
document.addEventListener("submit", async (event) => {
  const form = event.target.closest("form.move-form");
  if (!form || !window.fetch || !window.DOMParser) return;
  event.preventDefault();
  const button = event.submitter;
  const item = form.closest("[id]");
  const response = await fetch(form.action, {
    method: "POST",
    body: new FormData(form, button),
    credentials: "same-origin",
  }).catch(() => null);
  const page = response && response.ok ? new DOMParser().parseFromString(await response.text(), "text/html") : null;
  const fresh = page && page.querySelector(".outcomes-editor-page");
  const editor = document.querySelector(".outcomes-editor-page");
  if (!fresh || !editor) {
    form.submit(); // (the page's own way, when the background one fails)
    return;
  }
  editor.replaceWith(fresh);
  const moved = item && document.getElementById(item.id);
  const again = moved && (moved.querySelector(`button[value="${button.value}"]`) || moved.querySelector("button[name=direction]"));
  if (again) again.focus();
  const said = document.getElementById("move-status");
  if (said) said.textContent = page.querySelector(".flash-messages")?.textContent.trim() || button.dataset.moved || "";
});
