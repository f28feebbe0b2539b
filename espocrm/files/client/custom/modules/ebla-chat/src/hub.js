/*
 * Ebla Chat client hub: one per page load. It holds the chat unread state, receives the engine's
 * events through EspoCRM's WebSocket (topics eblaChat.message, eblaChat.update, eblaChat.read,
 * eblaChat.dialog, eblaChat.resync) or, without WebSocket, polls EblaChat/poll every
 * popupNotificationsCheckInterval seconds, and tells the views through Backbone-style events:
 *
 *   unread   (state)                 the totals changed; state = {total, dialogs: {id: n}}
 *   message  (event)                 a new message in a dialog of the user
 *   update   (event)                 a message was edited or deleted
 *   read     (event)                 a dialog was read (here or in another tab)
 *   dialog   (event)                 the user was added to / removed from / created a dialog
 *   resync   ()                      reconnected or the server asked to catch up: reload state
 *   popups   (list)                  popup items the poll returned (fallback mode only)
 */
define('ebla-chat:hub', [], function () {

    const TOPICS = ['eblaChat.message', 'eblaChat.update', 'eblaChat.read', 'eblaChat.dialog', 'eblaChat.resync'];

    class Hub {

        constructor() {
            this.handlers = {};

            this.initialized = false;
            this.state = {total: 0, dialogs: {}};
            this.activeDialogs = {};
            this.pollTimer = null;
            this.webSocketManager = null;
            this.interval = 15;
            this.cssLoaded = false;
        }

        on(name, callback) {
            (this.handlers[name] = this.handlers[name] || []).push(callback);
        }

        off(name, callback) {
            if (!this.handlers[name]) {
                return;
            }

            this.handlers[name] = this.handlers[name].filter(cb => cb !== callback);
        }

        trigger(name, ...args) {
            (this.handlers[name] || []).slice().forEach(cb => {
                try {
                    cb(...args);
                }
                catch (e) {
                    console.error(e);
                }
            });
        }

        /**
         * Subscribes a view's callback for as long as the view lives.
         */
        listen(view, name, callback) {
            this.on(name, callback);
            view.once('remove', () => this.off(name, callback));
        }

        /**
         * Called by every Ebla Chat view; the first call starts the hub.
         *
         * @param {module:view} view
         */
        init(view) {
            this.loadCss(view);

            if (this.initialized) {
                return;
            }

            this.initialized = true;

            const helper = view.getHelper();

            this.userId = view.getUser().id;
            this.userName = view.getUser().get('userName');
            this.isPortal = view.getUser().isPortal ? view.getUser().isPortal() : false;
            this.interval = view.getConfig().get('popupNotificationsCheckInterval') || 15;
            this.webSocketManager = helper.webSocketManager || null;
            this.basePath = view.getBasePath ? view.getBasePath() : '';
            this.portalId = this.isPortal && view.getUser().get('portalId') ?
                view.getUser().get('portalId') : null;

            if (helper.router) {
                helper.router.once('logout', () => this.stop());
            }

            if (this.webSocketManager) {
                this.subscribeWebSocket();
            }

            // The poll runs in both modes: every interval without WebSocket, and as a slow safety
            // net (and at once after the WebSocket reconnects) with it.
            this.schedulePoll(0);

            document.addEventListener('visibilitychange', () => {
                if (!document.hidden) {
                    this.trigger('visible');
                }
            });

            window.addEventListener('storage', e => {
                if (e.key === 'eblaChatRead' && e.newValue) {
                    this.fetchUnread();
                }
            });
        }

        loadCss(view) {
            if (this.cssLoaded) {
                return;
            }

            this.cssLoaded = true;

            const id = 'ebla-chat-css';

            if (document.getElementById(id)) {
                return;
            }

            const timestamp = view.getConfig().get('appTimestamp') || view.getConfig().get('cacheTimestamp') || '';
            const link = document.createElement('link');

            link.id = id;
            link.rel = 'stylesheet';
            link.href = (view.getBasePath ? view.getBasePath() : '') +
                'client/custom/modules/ebla-chat/css/ebla-chat.css?r=' + timestamp;

            document.head.appendChild(link);
        }

        stop() {
            if (this.pollTimer) {
                clearTimeout(this.pollTimer);
                this.pollTimer = null;
            }

            this.stopped = true;
        }

        subscribeWebSocket() {
            const wsm = this.webSocketManager;

            TOPICS.forEach(topic => {
                wsm.subscribe(topic, (t, data) => this.onEvent(topic, data || {}));
            });

            if (typeof wsm.subscribeToReconnect === 'function') {
                wsm.subscribeToReconnect(() => this.onReconnect());
            }
            else {
                this.watchConnection8();
            }
        }

        /**
         * EspoCRM 8.4 has no reconnect callback: watch the connection flag and catch up when it
         * comes back.
         */
        watchConnection8() {
            const wsm = this.webSocketManager;
            let wasConnected = !!wsm.isConnected;

            setInterval(() => {
                const connected = !!wsm.isConnected;

                if (connected && !wasConnected) {
                    this.onReconnect();
                }

                wasConnected = connected;
            }, 1000);
        }

        onReconnect() {
            this.trigger('resync');
            this.schedulePoll(0);
        }

        isRealTime() {
            return !!this.webSocketManager;
        }

        onEvent(topic, data) {
            if (data.userId && data.userId !== this.userId) {
                return;
            }

            switch (topic) {
                case 'eblaChat.message':
                    if (data.dialogId && typeof data.unread === 'number') {
                        this.setDialogUnread(data.dialogId, data.unread);
                    }
                    else {
                        this.fetchUnread();
                    }

                    this.trigger('message', data);

                    // A message in a dialog not on screen: its popup is fetched at once (the
                    // server pushes none; the poll returns each popup once).
                    if (data.authorId !== this.userId && !this.isActive(data.dialogId)) {
                        this.schedulePoll(0.05);
                    }

                    return;

                case 'eblaChat.update':
                    this.trigger('update', data);
                    this.fetchUnread();

                    return;

                case 'eblaChat.read':
                    if (data.dialogId && typeof data.unread === 'number') {
                        this.setDialogUnread(data.dialogId, data.unread);
                    }

                    this.trigger('read', data);

                    return;

                case 'eblaChat.dialog':
                    this.trigger('dialog', data);
                    this.fetchUnread();

                    return;

                case 'eblaChat.resync':
                    this.onReconnect();
            }
        }

        schedulePoll(seconds) {
            if (this.stopped) {
                return;
            }

            if (this.pollTimer) {
                clearTimeout(this.pollTimer);
            }

            this.pollTimer = setTimeout(() => this.poll(), seconds * 1000);
        }

        poll() {
            this.pollTimer = null;

            const next = () => this.schedulePoll(this.isRealTime() ? Math.max(this.interval * 4, 60) : this.interval);

            Espo.Ajax.getRequest('EblaChat/poll', {}, {timeout: 30000})
                .then(result => {
                    next();

                    if (!result) {
                        return;
                    }

                    if (result.unread) {
                        const previous = this.state.dialogs;

                        this.applyUnread(result.unread);

                        // Without WebSocket, a changed count is how new messages show up.
                        if (!this.isRealTime()) {
                            const changed = Object.keys(Object.assign({}, previous, this.state.dialogs))
                                .filter(id => (previous[id] || 0) !== (this.state.dialogs[id] || 0));

                            if (changed.length) {
                                changed.forEach(id => this.trigger('message', {dialogId: id, polled: true}));
                            }

                            this.trigger('poll');
                        }
                    }

                    if (Array.isArray(result.popups) && result.popups.length) {
                        this.trigger('popups', result.popups);
                    }
                })
                .catch(xhr => {
                    if (xhr) {
                        xhr.errorIsHandled = true;
                    }

                    next();
                });
        }

        fetchUnread() {
            if (this.unreadRequest) {
                this.unreadAgain = true;

                return this.unreadRequest;
            }

            this.unreadRequest = Espo.Ajax.getRequest('EblaChat/unread')
                .then(result => {
                    this.applyUnread(result);
                })
                .catch(xhr => {
                    if (xhr) {
                        xhr.errorIsHandled = true;
                    }
                })
                .then(() => {
                    this.unreadRequest = null;

                    if (this.unreadAgain) {
                        this.unreadAgain = false;
                        this.fetchUnread();
                    }
                });

            return this.unreadRequest;
        }

        applyUnread(result) {
            const dialogs = Object.assign({}, (result && result.dialogs) || {});

            this.loaded = true;
            this.state = {
                total: (result && typeof result.total === 'number') ? result.total : 0,
                dialogs: dialogs,
                muted: this.state.muted || {},
            };

            this.trigger('unread', this.state);
        }

        setDialogUnread(dialogId, unread) {
            const dialogs = Object.assign({}, this.state.dialogs);

            if (unread > 0) {
                dialogs[dialogId] = unread;
            }
            else {
                delete dialogs[dialogId];
            }

            this.state.dialogs = dialogs;

            // Muted dialogs are not in the total; the server's number is the truth, so ask for it.
            this.fetchUnread();
            this.trigger('unread', this.state);
        }

        getTotal() {
            return this.state.total || 0;
        }

        getDialogUnread(dialogId) {
            return this.state.dialogs[dialogId] || 0;
        }

        /**
         * The unread count of a dialog row: the hub's once it has loaded (it follows every event),
         * the row's own before.
         */
        unreadOf(row) {
            return this.loaded || this.state.dialogs[row.id] !== undefined ? this.getDialogUnread(row.id) : (row.unread || 0);
        }

        /**
         * A view shows this dialog to the user (page or side panel); messages arriving there are
         * read at once while the tab is visible.
         */
        setActive(dialogId, key, active) {
            const k = dialogId + ':' + key;

            if (active) {
                this.activeDialogs[k] = dialogId;
            }
            else {
                delete this.activeDialogs[k];
            }
        }

        isActive(dialogId) {
            if (document.hidden) {
                return false;
            }

            return Object.values(this.activeDialogs).includes(dialogId);
        }

        markRead(dialogId, number) {
            const body = number ? {number: number} : {};

            return Espo.Ajax.postRequest('EblaChat/dialogs/' + encodeURIComponent(dialogId) + '/read', body)
                .then(result => {
                    const unread = result && typeof result.unread === 'number' ? result.unread : 0;

                    this.setDialogUnread(dialogId, unread);
                    this.trigger('read', {dialogId: dialogId, unread: unread, local: true});

                    try {
                        localStorage.setItem('eblaChatRead', dialogId + ':' + Date.now());
                    }
                    catch (e) {}

                    return result;
                });
        }

        /**
         * Where a file is downloaded or shown.
         */
        fileUrl(attachmentId, entryPoint, size) {
            let url = this.basePath + '?entryPoint=' + (entryPoint || 'download') + '&id=' +
                encodeURIComponent(attachmentId);

            if (size) {
                url += '&size=' + size;
            }

            if (this.portalId) {
                url += '&portalId=' + encodeURIComponent(this.portalId);
            }

            return url;
        }
    }

    if (!window.EblaChatHub) {
        window.EblaChatHub = new Hub();
    }

    return window.EblaChatHub;
});
