// A "Copy" button beside a text to copy (data-copy-from: the field's id; what it says once
// copied, or when it could not copy, in the page's language: data-copied, data-copy-failed). Without
// JavaScript, or a browser that cannot write to the clipboard, the button stays hidden
// and the field (read-only, selectable) is copied by hand.
document.querySelectorAll("[data-copy-from]").forEach((button) => {
  const source = document.getElementById(button.dataset.copyFrom);
  const said = document.getElementById(button.dataset.copyStatus);
  if (!source || !navigator.clipboard) return;
  button.hidden = false;
  button.addEventListener("click", async () => {
    try {
      await navigator.clipboard.writeText(source.value);
      if (said) said.textContent = button.dataset.copied;
    } catch {
      source.select();
      if (said) said.textContent = button.dataset.copyFailed;
    }
  });
});
