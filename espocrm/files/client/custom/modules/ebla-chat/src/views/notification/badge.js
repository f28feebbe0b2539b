/*
 * The navbar bell. The count it shows comes from Notification/action/notReadCount, which the
 * package extends with the chat's unread total; this view refreshes it as soon as the chat's unread
 * state changes (WebSocket or poll), and shows the popups the chat poll returns when there is no
 * WebSocket.
 */
define('ebla-chat:views/notification/badge',
    ['views/notification/badge', 'ebla-chat:hub', 'ebla-chat:patches'],
    function (Dep, Hub, Patches) {

    return class extends Dep {

        setup() {
            super.setup();

            Hub.init(this);
            Patches.apply(this);

            let lastTotal = null;
            let timer = null;

            Hub.listen(this, 'unread', state => {
                if (state.total === lastTotal) {
                    return;
                }

                lastTotal = state.total;

                if (timer) {
                    return;
                }

                timer = setTimeout(() => {
                    timer = null;

                    if (this.isRendered()) {
                        this.checkUpdates();
                    }
                }, 100);
            });

            // The poll hands out each popup once. EspoCRM 9.x reads its popup metadata only in
            // afterRender, so the first poll can return before the bell can show anything: those
            // popups wait for afterRender instead of being dropped.
            this.eblaChatPendingPopups = [];

            Hub.listen(this, 'popups', list => {
                if (!this.isRendered() || !this.popupNotificationsData) {
                    this.eblaChatPendingPopups = this.eblaChatPendingPopups.concat(list);

                    return;
                }

                this.showEblaChatPopups(list);
            });
        }

        afterRender() {
            super.afterRender();

            const pending = this.eblaChatPendingPopups || [];

            this.eblaChatPendingPopups = [];

            if (pending.length && this.popupNotificationsData) {
                this.showEblaChatPopups(pending);
            }
        }

        showEblaChatPopups(list) {
            if (!this.popupNotificationsData || !this.popupNotificationsData.eblaChat) {
                return;
            }

            list.forEach(popup => {
                const number = popup.lastMessage ? popup.lastMessage.number : 0;

                this.showPopupNotification('eblaChat', {
                    id: popup.dialogId + '-' + number,
                    data: popup,
                }, true);
            });
        }
    };
});
