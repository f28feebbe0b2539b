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

            Hub.listen(this, 'popups', list => {
                if (!this.isRendered() || !this.popupNotificationsData || !this.popupNotificationsData.eblaChat) {
                    return;
                }

                list.forEach(popup => {
                    const number = popup.lastMessage ? popup.lastMessage.number : 0;

                    this.showPopupNotification('eblaChat', {
                        id: popup.dialogId + '-' + number,
                        data: popup,
                    }, true);
                });
            });
        }
    };
});
