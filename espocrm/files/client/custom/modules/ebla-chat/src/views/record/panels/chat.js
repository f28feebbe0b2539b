/*
 * The side panel on the detail view of a record that dialogs are linked to (as their parent): the
 * record's dialogs the user is a member of, opened in place to read and write, and a button to
 * start a dialog about the record.
 */
define('ebla-chat:views/record/panels/chat',
    ['view', 'ebla-chat:hub', 'ebla-chat:dialog-util'],
    function (Dep, Hub, DialogUtil) {

    return class extends Dep {

        templateContent = `
            <div class="ebla-chat-panel">
                <ul class="ebla-chat-panel-dialogs list-unstyled"></ul>
                <div class="ebla-chat-panel-empty text-muted hidden">{{translate 'No dialogs about this record' scope='EblaChat'}}</div>
                <div class="ebla-chat-panel-conversation"></div>
                <div class="ebla-chat-panel-buttons">
                    <button type="button" class="btn btn-default btn-sm" data-action="startDialog">
                        <span class="fas fa-plus"></span> {{translate 'Start a dialog' scope='EblaChat'}}
                    </button>
                </div>
            </div>
        `

        setup() {
            Hub.init(this);

            this.dialogs = [];
            this.openId = null;

            this.addActionHandler('startDialog', () => this.startDialog());
            this.addActionHandler('openPanelDialog', (e, target) => this.toggle(target.dataset.id));

            Hub.listen(this, 'message', () => this.load());
            Hub.listen(this, 'dialog', () => this.load());
            Hub.listen(this, 'unread', () => this.renderList());
            Hub.listen(this, 'resync', () => this.load());
            Hub.listen(this, 'poll', () => this.load());

            this.wait(this.load());
        }

        getButtonList() {
            return [];
        }

        getActionList() {
            return [{action: 'startDialog', label: this.translate('Start a dialog', 'labels', 'EblaChat')}];
        }

        actionStartDialog() {
            this.startDialog();
        }

        load() {
            if (!this.model || !this.model.id) {
                return Promise.resolve();
            }

            return Espo.Ajax.getRequest('EblaChat/dialogs', {
                parentType: this.model.entityType || this.model.name,
                parentId: this.model.id,
                maxSize: 20,
            })
                .then(result => {
                    this.dialogs = (result && result.list) || [];
                    this.renderList();
                })
                .catch(xhr => {
                    if (xhr) {
                        xhr.errorIsHandled = true;
                    }
                });
        }

        afterRender() {
            DialogUtil.enableKeyboardButtons(this.$el);
            this.renderList();

            if (!this.openId && this.dialogs.length === 1) {
                this.toggle(this.dialogs[0].id);
            }
            else if (this.openId) {
                this.openConversation(this.openId);
            }
        }

        renderList() {
            if (!this.isRendered()) {
                return;
            }

            const $ul = this.$el.find('.ebla-chat-panel-dialogs').empty();

            this.dialogs.forEach(d => {
                const unread = Hub.unreadOf(d);
                const $li = $('<li role="button" tabindex="0" data-action="openPanelDialog">')
                    .attr('data-id', d.id)
                    .attr('aria-expanded', this.openId === d.id ? 'true' : 'false')
                    .toggleClass('active', this.openId === d.id)
                    .toggleClass('unread', unread > 0)
                    .append($('<span class="fas text-muted">').addClass(d.type === 'group' ? 'fa-users' : 'fa-user'))
                    .append(' ')
                    .append($('<span class="ebla-chat-item-name">').text(d.name || ''))
                    .append(unread > 0 ? $('<span class="badge ebla-chat-badge">').text(unread) : '')
                    .append($('<div class="ebla-chat-item-preview text-muted small">').text(DialogUtil.preview(this, d.lastMessage)));

                $ul.append($li);
            });

            this.$el.find('.ebla-chat-panel-empty').toggleClass('hidden', this.dialogs.length > 0);
        }

        toggle(id) {
            if (this.openId === id) {
                this.openId = null;
                this.clearView('conversation');
                this.renderList();

                return;
            }

            this.openId = id;
            this.renderList();
            this.openConversation(id);
        }

        openConversation(id) {
            this.clearView('conversation');

            this.createView('conversation', 'ebla-chat:views/chat/conversation', {
                selector: '.ebla-chat-panel-conversation',
                dialogId: id,
                compact: true,
                noFocus: true,
                pageSize: 20,
            }, view => view.render());
        }

        startDialog() {
            this.createView('newDialog', 'ebla-chat:views/chat/modals/new-dialog', {
                parentType: this.model.entityType || this.model.name,
                parentId: this.model.id,
            }, view => {
                view.render();

                this.listenToOnce(view, 'created', dialog => {
                    this.openId = dialog.id;
                    this.load().then(() => this.openConversation(dialog.id));
                });
            });
        }
    };
});
