/*
 * A popup per dialog with new messages: dialog name, unread count, last message. A click opens the
 * dialog; it goes away once the dialog is read (here or in another tab).
 */
define('ebla-chat:views/popup-notification/chat',
    ['views/popup-notification', 'ebla-chat:hub', 'ebla-chat:dialog-util'],
    function (Dep, Hub, DialogUtil) {

    return class extends Dep {

        type = 'eblaChat'
        style = 'primary'
        closeButton = true

        templateContent = `
            {{#if closeButton}}<a role="button" tabindex="0" class="pull-right close" data-action="close"
                aria-label="{{translate 'Close'}}">&times;</a>{{/if}}
            <div class="ebla-chat-popup" role="button" tabindex="0" data-action="openDialog">
                <h4 class="ebla-chat-popup-name">
                    <span class="fas fa-comments"></span>
                    <span class="ebla-chat-popup-title">{{name}}</span>
                    <span class="badge ebla-chat-badge ebla-chat-popup-count">{{unread}}</span>
                </h4>
                <div class="ebla-chat-popup-text">{{preview}}</div>
            </div>
        `

        data() {
            const d = this.notificationData || {};

            return {
                ...super.data(),
                name: d.name || this.translate('New message', 'labels', 'EblaChat'),
                unread: d.unread || 0,
                preview: DialogUtil.preview(this, d.lastMessage || null),
            };
        }

        setup() {
            super.setup();

            Hub.init(this);

            this.addActionHandler('openDialog', () => this.openDialog());

            this.on('update-data', data => {
                this.notificationData = data;

                if (this.isRendered()) {
                    this.reRender();
                }
            });

            const check = () => {
                const dialogId = (this.notificationData || {}).dialogId;

                if (dialogId && !Hub.getDialogUnread(dialogId) && Hub.state.loaded !== false) {
                    this.resolveCancel();
                }
            };

            Hub.listen(this, 'read', data => {
                if (data.dialogId === (this.notificationData || {}).dialogId && !data.unread) {
                    this.resolveCancel();
                }
            });

            Hub.listen(this, 'unread', () => {
                if (this.hubSeen) {
                    check();
                }
            });

            // The dialog may be open and read already when the popup arrives.
            setTimeout(() => {
                this.hubSeen = true;

                if (Hub.isActive((this.notificationData || {}).dialogId)) {
                    this.resolveCancel();
                }
            }, 300);
        }

        afterRender() {
            DialogUtil.enableKeyboardButtons(this.$el);
        }

        openDialog() {
            const dialogId = (this.notificationData || {}).dialogId;

            if (dialogId) {
                this.getRouter().navigate('#Dialog/view/' + dialogId, {trigger: true});
            }

            this.resolveConfirm();
        }
    };
});
