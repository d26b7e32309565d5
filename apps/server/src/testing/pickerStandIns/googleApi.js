// Test stand-in for https://apis.google.com/js/api.js and the Google Picker library that
// `gapi.load('picker')` loads, following the documented interface
// (developers.google.com/workspace/drive/picker/reference): PickerBuilder, DocsView, Picker, and the
// Action/Response/Feature/ViewId constants with Google's values. It records what the page configured
// in window.__pickerLog; window.__picker acts as the user on the visible picker.
(() => {
  const log = window.__pickerLog ?? [];
  window.__pickerLog = log;
  let visible;

  class DocsView {
    constructor(viewId = 'all') {
      this.settings = { viewId };
    }
    set(name, value) {
      this.settings[name] = value;
      return this;
    }
    setMimeTypes(mimeTypes) {
      return this.set('mimeTypes', mimeTypes);
    }
    setIncludeFolders(include) {
      return this.set('includeFolders', include);
    }
    setSelectFolderEnabled(enabled) {
      return this.set('selectFolderEnabled', enabled);
    }
    setEnableDrives(enabled) {
      return this.set('enableDrives', enabled);
    }
    setMode(mode) {
      return this.set('mode', mode);
    }
    setParent(parent) {
      return this.set('parent', parent);
    }
  }

  class Picker {
    constructor(config, callback) {
      this.config = config;
      this.callback = callback;
    }
    setVisible(show) {
      if (!show) {
        if (visible === this) visible = undefined;
        return;
      }
      visible = this;
      log.push({ event: 'setVisible', config: this.config });
      this.callback?.({ action: 'loaded' });
    }
    isVisible() {
      return visible === this;
    }
    dispose() {
      if (visible === this) visible = undefined;
      log.push({ event: 'dispose' });
    }
  }

  class PickerBuilder {
    constructor() {
      this.config = { views: [], features: [] };
    }
    set(name, value) {
      this.config[name] = value;
      return this;
    }
    addView(viewOrId) {
      this.config.views.push(viewOrId instanceof DocsView ? { ...viewOrId.settings } : { viewId: viewOrId });
      return this;
    }
    enableFeature(feature) {
      this.config.features.push(feature);
      return this;
    }
    setOAuthToken(token) {
      return this.set('oauthToken', token);
    }
    setDeveloperKey(key) {
      return this.set('developerKey', key);
    }
    setAppId(appId) {
      return this.set('appId', appId);
    }
    setOrigin(origin) {
      return this.set('origin', origin);
    }
    setTitle(title) {
      return this.set('title', title);
    }
    setCallback(callback) {
      this.callback = callback;
      return this;
    }
    build() {
      return new Picker({ ...this.config }, this.callback);
    }
  }

  const library = {
    PickerBuilder,
    DocsView,
    ViewId: { DOCS: 'all', DOCS_IMAGES: 'docs-images', FOLDERS: 'folders' },
    Feature: { MULTISELECT_ENABLED: 'multiselectEnabled', NAV_HIDDEN: 'navHidden' },
    Action: { CANCEL: 'cancel', PICKED: 'picked', LOADED: 'loaded' },
    Response: { ACTION: 'action', DOCUMENTS: 'docs' },
    Document: { ID: 'id', NAME: 'name', MIME_TYPE: 'mimeType', URL: 'url', SIZE_BYTES: 'sizeBytes' },
  };

  window.gapi = {
    // Like the real loader: the library arrives asynchronously, then the callback runs.
    load(name, config) {
      log.push({ event: 'gapi.load', name });
      setTimeout(() => {
        if (name === 'picker') window.google = { ...window.google, picker: library };
        (typeof config === 'function' ? config : config.callback)();
      }, 10);
    },
  };

  const act = (data) => {
    const picker = visible;
    if (!picker) throw new Error('no Google Picker is visible');
    visible = undefined;
    picker.callback?.(data);
  };
  window.__picker = {
    pick: (docs) => act({ action: 'picked', docs }),
    cancel: () => act({ action: 'cancel' }),
    isVisible: () => visible !== undefined,
  };
})();
