/*
 * The chat page (#Dialog, #Dialog/view/<id>): the user's dialogs on the left (name, last message,
 * time, unread badge, mention marker, muted), the open dialog on the right.
 *
 * Options: dialogId (optional).
 */
define('ebla-chat:views/chat/page', ['view', 'ebla-chat:hub', 'ebla-chat:dialog-util'], function (Dep, Hub, DialogUtil) {

    const PAGE_SIZE = 50;

    return class extends Dep {

        template = 'ebla-chat:chat/page'

        setup() {
            Hub.init(this);

            this.dialogs = [];
            this.total = 0;
            this.dialogId = this.options.dialogId || null;
            this.current = null;
            this.filter = '';

            this.addActionHandler('newDialog', () => this.newDialog());
            this.addActionHandler('moreDialogs', () => this.loadDialogs(true));
            this.addActionHandler('openDialog', (e, target) => this.openDialog(target.dataset.id));
            this.addActionHandler('members', () => this.showMembers());
            this.addActionHandler('toggleMute', () => this.toggleMute());
            this.addActionHandler('rename', () => this.rename());
            this.addActionHandler('leave', () => this.leave());

            Hub.listen(this, 'message', data => this.onDialogActivity(data.dialogId));
            Hub.listen(this, 'update', data => this.onDialogActivity(data.dialogId));
            Hub.listen(this, 'dialog', data => this.onDialogEvent(data));
            Hub.listen(this, 'unread', () => this.renderList());
            Hub.listen(this, 'read', () => this.renderList());
            Hub.listen(this, 'resync', () => this.loadDialogs());
            Hub.listen(this, 'poll', () => this.loadDialogs());

            this.wait(this.loadDialogs(false, true));
        }

        getTitle() {
            return this.translate('Chat', 'labels', 'EblaChat');
        }

        setupFinal() {
            super.setupFinal();

            if (this.getHelper().pageTitle) {
                this.getHelper().pageTitle.setTitle(this.getTitle());
            }
        }

        afterRender() {
            this.$list = this.$el.find('.ebla-chat-dialogs');

            this.$el.find('.ebla-chat-filter').on('input', e => {
                this.filter = (e.currentTarget.value || '').trim().toLowerCase();
                this.renderList();
            });

            this.$el.on('keydown', '.ebla-chat-dialogs li', e => this.onListKey(e));
            DialogUtil.enableKeyboardButtons(this.$el);

            this.renderList();

            if (this.dialogId) {
                this.openDialog(this.dialogId, true);
            }
        }

        loadDialogs(more, initial) {
            const params = {maxSize: more ? PAGE_SIZE : Math.max(PAGE_SIZE, this.dialogs.length)};

            if (more) {
                params.offset = this.dialogs.length;
            }

            return Espo.Ajax.getRequest('EblaChat/dialogs', params).then(result => {
                const list = (result && result.list) || [];

                this.total = result && typeof result.total === 'number' ? result.total : list.length;
                this.dialogs = more ? this.dialogs.concat(list.filter(d => !this.dialogs.find(x => x.id === d.id))) : list;

                if (this.current) {
                    const fresh = this.dialogs.find(d => d.id === this.current.id);

                    if (fresh) {
                        this.current = fresh;
                        this.renderHeader();
                    }
                }

                if (!initial) {
                    this.renderList();
                }
            });
        }

        onDialogActivity(dialogId) {
            // Moves the dialog up with its new last message.
            clearTimeout(this.reloadTimer);
            this.reloadTimer = setTimeout(() => this.loadDialogs(), 150);
        }

        onDialogEvent(data) {
            if (data.action === 'removed' && this.current && data.dialogId === this.current.id) {
                this.closeDialog();
            }

            this.loadDialogs();
        }

        renderList() {
            if (!this.$list) {
                return;
            }

            const $list = this.$list.empty();
            const list = this.dialogs.filter(d => !this.filter || (d.name || '').toLowerCase().indexOf(this.filter) !== -1);

            list.forEach(d => $list.append(this.buildItem(d)));

            this.$el.find('.ebla-chat-dialogs-empty').toggleClass('hidden', this.dialogs.length > 0);
            this.$el.find('.ebla-chat-dialogs-more').toggleClass('hidden', this.dialogs.length >= this.total);
        }

        buildItem(d) {
            const unread = Hub.unreadOf(d);
            const active = this.current && this.current.id === d.id;
            const $li = $('<li role="option" tabindex="0" data-action="openDialog">')
                .attr('data-id', d.id)
                .attr('aria-selected', active ? 'true' : 'false')
                .toggleClass('active', !!active)
                .toggleClass('unread', unread > 0)
                .toggleClass('muted', !!d.muted);

            const $top = $('<div class="ebla-chat-item-top">');

            $top.append($('<span class="ebla-chat-item-icon fas">')
                .addClass(d.type === 'group' ? 'fa-users' : 'fa-user'));
            $top.append($('<span class="ebla-chat-item-name">').text(d.name || this.translate('Dialog', 'scopeNames')));

            if (d.parentType) {
                $top.append($('<span class="ebla-chat-item-parent text-muted small">')
                    .attr('title', this.translate('About a record', 'labels', 'EblaChat'))
                    .text(this.translate(d.parentType, 'scopeNames')));
            }

            if (d.muted) {
                $top.append($('<span class="fas fa-bell-slash text-muted ebla-chat-item-muted">')
                    .attr('title', this.translate('Muted', 'labels', 'EblaChat')));
            }

            const at = d.lastMessageAt || (d.lastMessage && d.lastMessage.createdAt) || d.createdAt;

            if (at) {
                $top.append($('<time class="ebla-chat-item-time text-muted">')
                    .attr('datetime', at + 'Z')
                    .attr('title', this.getDateTime().toDisplay(at))
                    .text(DialogUtil.shortTime(this, at)));
            }

            const $bottom = $('<div class="ebla-chat-item-bottom">');

            $bottom.append($('<span class="ebla-chat-item-preview text-muted">').text(DialogUtil.preview(this, d.lastMessage)));

            if (d.mentions > 0 && unread > 0) {
                $bottom.append($('<span class="ebla-chat-mention-marker" title="">')
                    .attr('title', this.translate('You were mentioned', 'labels', 'EblaChat'))
                    .text('@'));
            }

            if (unread > 0) {
                $bottom.append($('<span class="badge ebla-chat-badge">')
                    .attr('aria-label', unread + ' ' + this.translate('unread', 'labels', 'EblaChat'))
                    .text(unread > 99 ? '99+' : unread));
            }

            return $li.append($top, $bottom);
        }

        onListKey(e) {
            const $items = this.$list.children('li');
            const index = $items.index(e.currentTarget);

            if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
                e.preventDefault();
                $items.eq(Math.max(0, Math.min($items.length - 1, index + (e.key === 'ArrowDown' ? 1 : -1)))).focus();
            }
        }

        openDialog(id, initial) {
            if (!id) {
                return;
            }

            if (this.current && this.current.id === id && this.hasView('conversation') && !initial) {
                this.getView('conversation').focus();

                return;
            }

            const known = this.dialogs.find(d => d.id === id);
            const load = known ? Promise.resolve(known) :
                Espo.Ajax.getRequest('EblaChat/dialogs/' + encodeURIComponent(id));

            load.then(dialog => {
                this.current = dialog;
                this.dialogId = dialog.id;

                if (!known) {
                    this.dialogs.unshift(dialog);
                }

                this.getRouter().navigate('#Dialog/view/' + dialog.id, {trigger: false});

                this.renderHeader();
                this.renderList();

                this.$el.find('.ebla-chat-placeholder').addClass('hidden');
                this.$el.find('.ebla-chat-page').addClass('has-dialog');

                this.clearView('conversation');

                this.createView('conversation', 'ebla-chat:views/chat/conversation', {
                    selector: '.ebla-chat-conversation-container',
                    dialogId: dialog.id,
                    dialog: dialog,
                }, view => view.render());
            })
                .catch(xhr => {
                    if (xhr && (xhr.status === 404 || xhr.status === 403)) {
                        xhr.errorIsHandled = true;
                        Espo.Ui.warning(this.translate('dialogNotAvailable', 'messages', 'EblaChat'));
                        this.getRouter().navigate('#Dialog', {trigger: false});
                    }
                });
        }

        closeDialog() {
            this.current = null;
            this.dialogId = null;
            this.clearView('conversation');
            this.$el.find('.ebla-chat-main-head').addClass('hidden');
            this.$el.find('.ebla-chat-placeholder').removeClass('hidden');
            this.$el.find('.ebla-chat-page').removeClass('has-dialog');
            this.getRouter().navigate('#Dialog', {trigger: false});
            this.renderList();
        }

        renderHeader() {
            const d = this.current;
            const $head = this.$el.find('.ebla-chat-main-head');

            if (!d) {
                $head.addClass('hidden');

                return;
            }

            $head.removeClass('hidden');
            $head.find('.ebla-chat-title-name').text(d.name || '');
            $head.find('.ebla-chat-title-icon')
                .toggleClass('fa-users', d.type === 'group')
                .toggleClass('fa-user', d.type !== 'group');
            $head.find('.ebla-chat-title-muted').toggleClass('hidden', !d.muted);
            $head.find('.ebla-chat-title-members').text(
                d.type === 'group' ? (d.memberIds || []).length + ' ' + this.translate('members', 'labels', 'EblaChat') : ''
            );
            $head.find('.ebla-chat-group-only').toggleClass('hidden', d.type !== 'group');
            $head.find('[data-action="toggleMute"]')
                .toggleClass('active', !!d.muted)
                .attr('aria-pressed', d.muted ? 'true' : 'false')
                .attr('title', this.translate(d.muted ? 'Unmute' : 'Mute', 'labels', 'EblaChat'));

            const $parent = $head.find('.ebla-chat-title-parent');

            if (d.parentType && d.parentId) {
                $parent.removeClass('hidden')
                    .attr('href', '#' + d.parentType + '/view/' + d.parentId)
                    .text(this.translate(d.parentType, 'scopeNames') + (d.parentName ? ': ' + d.parentName : ''));
            }
            else {
                $parent.addClass('hidden').text('');
            }
        }

        newDialog() {
            this.createView('newDialog', 'ebla-chat:views/chat/modals/new-dialog', {}, view => {
                view.render();

                this.listenToOnce(view, 'created', dialog => {
                    this.loadDialogs().then(() => this.openDialog(dialog.id));
                });
            });
        }

        showMembers() {
            if (!this.current) {
                return;
            }

            this.createView('members', 'ebla-chat:views/chat/modals/members', {dialog: this.current}, view => {
                view.render();

                this.listenTo(view, 'changed', dialog => {
                    if (dialog) {
                        this.current = dialog;
                    }

                    this.loadDialogs().then(() => this.renderHeader());
                });

                this.listenTo(view, 'left', () => {
                    this.closeDialog();
                    this.loadDialogs();
                });
            });
        }

        toggleMute() {
            const d = this.current;

            if (!d) {
                return;
            }

            Espo.Ajax.putRequest('EblaChat/dialogs/' + encodeURIComponent(d.id) + '/mute', {muted: !d.muted})
                .then(dialog => {
                    this.current = dialog && dialog.id ? dialog : Object.assign(d, {muted: !d.muted});

                    const index = this.dialogs.findIndex(x => x.id === d.id);

                    if (index !== -1) {
                        this.dialogs[index] = this.current;
                    }

                    this.renderHeader();
                    this.renderList();
                    Hub.fetchUnread();
                });
        }

        rename() {
            const d = this.current;

            if (!d || d.type !== 'group') {
                return;
            }

            this.createView('rename', 'ebla-chat:views/chat/modals/rename', {dialog: d}, view => {
                view.render();

                this.listenToOnce(view, 'renamed', name => {
                    d.name = name;
                    this.renderHeader();
                    this.loadDialogs();
                });
            });
        }

        leave() {
            const d = this.current;

            if (!d || d.type !== 'group') {
                return;
            }

            this.confirm({
                message: this.translate('confirmLeave', 'messages', 'EblaChat'),
                confirmText: this.translate('Leave', 'labels', 'EblaChat'),
                confirmStyle: 'danger',
            }).then(() => {
                return Espo.Ajax.deleteRequest('EblaChat/dialogs/' + encodeURIComponent(d.id) + '/members/' +
                    encodeURIComponent(this.getUser().id))
                    .then(() => {
                        this.dialogs = this.dialogs.filter(x => x.id !== d.id);
                        this.closeDialog();
                        Hub.fetchUnread();
                    });
            });
        }
    };
});
