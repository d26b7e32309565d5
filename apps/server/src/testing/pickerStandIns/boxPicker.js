// Test stand-in for Box UI Elements' picker.js (developer.box.com/guides/embed/ui-elements/picker):
// Box.FilePicker / Box.FolderPicker / Box.ContentPicker with addListener, show(folderId, token,
// options) rendering into options.container, hide(), and the `choose` / `cancel` events. It records
// show() calls in window.__pickerLog; window.__picker acts as the user on the shown picker.
(() => {
  const log = window.__pickerLog ?? [];
  window.__pickerLog = log;
  let shown;

  class ContentPicker {
    constructor() {
      this.listeners = new Map();
    }
    get kind() {
      return 'ContentPicker';
    }
    addListener(event, listener) {
      this.listeners.set(event, [...(this.listeners.get(event) ?? []), listener]);
      return this;
    }
    removeListener(event, listener) {
      this.listeners.set(
        event,
        (this.listeners.get(event) ?? []).filter((l) => l !== listener),
      );
      return this;
    }
    removeAllListeners() {
      this.listeners.clear();
      return this;
    }
    emit(event, data) {
      for (const listener of this.listeners.get(event) ?? []) listener(data);
    }
    show(folderId, token, options = {}) {
      const { container = 'body', ...rest } = options;
      this.container = container instanceof HTMLElement ? container : document.querySelector(container);
      const ui = document.createElement('div');
      ui.dataset.testid = 'box-content-picker';
      ui.textContent = `Box ${this.kind} in folder ${folderId}`;
      this.container.replaceChildren(ui);
      log.push({
        event: 'show',
        kind: this.kind,
        folderId,
        token,
        options: {
          ...rest,
          maxSelectable: rest.maxSelectable === Infinity ? 'Infinity' : rest.maxSelectable,
        },
        containerInPage: this.container.isConnected,
      });
      shown = this;
    }
    hide() {
      this.removeAllListeners();
      this.container?.replaceChildren();
      if (shown === this) shown = undefined;
      log.push({ event: 'hide' });
    }
  }
  class FilePicker extends ContentPicker {
    get kind() {
      return 'FilePicker';
    }
  }
  class FolderPicker extends ContentPicker {
    get kind() {
      return 'FolderPicker';
    }
  }
  window.Box = { ...window.Box, ContentPicker, FilePicker, FolderPicker };

  const act = (event, data) => {
    if (!shown) throw new Error('no Box picker is shown');
    shown.emit(event, data);
  };
  window.__picker = {
    choose: (items) => act('choose', items),
    cancel: () => act('cancel'),
    close: () => act('close'),
  };
})();
