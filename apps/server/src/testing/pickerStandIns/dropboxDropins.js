// Test stand-in for Dropbox's https://www.dropbox.com/static/api/2/dropins.js
// (dropbox.com/developers/chooser): reads the app key from its own tag (`<script id="dropboxjs"
// data-app-key>`), and Dropbox.choose({ success, cancel, linkType, multiselect, extensions,
// folderselect, sizeLimit }). It records choose() calls in window.__pickerLog; window.__picker acts as
// the user in the open Chooser.
(() => {
  const log = window.__pickerLog ?? [];
  window.__pickerLog = log;
  let open;
  const appKey = document.getElementById('dropboxjs')?.getAttribute('data-app-key') ?? undefined;
  log.push({ event: 'dropins.js', appKeyFromScriptTag: appKey });

  window.Dropbox = {
    appKey,
    isBrowserSupported: () => true,
    choose(options) {
      if (!window.Dropbox.appKey) throw new Error('Missing Dropbox app key');
      const { success, cancel, ...rest } = options;
      log.push({ event: 'choose', appKey: window.Dropbox.appKey, options: rest });
      open = { success, cancel };
    },
  };

  const take = () => {
    if (!open) throw new Error('no Dropbox Chooser is open');
    const current = open;
    open = undefined;
    return current;
  };
  window.__picker = {
    choose: (files) => take().success(files),
    cancel: () => take().cancel?.(),
  };
})();
