/*
 * Starts a direct dialog (one person) or a group dialog (several, or a name given) with the users
 * the current user may chat with (EblaChat/partners).
 *
 * Options: parentType, parentId (optional: the dialog is linked to that record).
 * Triggers 'created' (dialog).
 */
define('ebla-chat:views/chat/modals/new-dialog', ['views/modal', 'ebla-chat:dialog-util'], function (Dep, DialogUtil) {

    return class extends Dep {

        className = 'dialog dialog-record ebla-chat-modal'

        templateContent = `
            <div class="form-group">
                <label class="control-label" for="ebla-chat-partner-search">{{translate 'Find people' scope='EblaChat'}}</label>
                <input type="search" id="ebla-chat-partner-search" class="form-control ebla-chat-partner-search" autocomplete="off">
            </div>
            <ul class="list-group ebla-chat-partners" role="listbox" aria-multiselectable="true"></ul>
            <div class="ebla-chat-partners-empty text-muted hidden">{{translate 'Nobody found' scope='EblaChat'}}</div>
            <div class="form-group ebla-chat-group-name hidden">
                <label class="control-label" for="ebla-chat-group-name">{{translate 'Group name' scope='EblaChat'}}</label>
                <input type="text" id="ebla-chat-group-name" class="form-control" maxlength="255">
            </div>
        `

        setup() {
            this.headerText = this.translate('New dialog', 'labels', 'EblaChat');
            this.selected = {};

            this.buttonList = [
                {name: 'create', label: this.translate('Start', 'labels', 'EblaChat'), style: 'primary', disabled: true},
                {name: 'cancel', label: 'Cancel'},
            ];

            this.addActionHandler('togglePartner', (e, target) => this.toggle(target.dataset.id, target.dataset.name));
        }

        afterRender() {
            const $search = this.$el.find('.ebla-chat-partner-search');

            DialogUtil.enableKeyboardButtons(this.$el);

            $search.on('input', () => {
                clearTimeout(this.searchTimer);
                this.searchTimer = setTimeout(() => this.search($search.val()), 200);
            });

            this.search('');
            setTimeout(() => $search.focus(), 50);
        }

        search(q) {
            const params = {maxSize: 20};

            if (q && q.trim()) {
                params.q = q.trim();
            }

            const seq = this.searchSeq = (this.searchSeq || 0) + 1;

            Espo.Ajax.getRequest('EblaChat/partners', params).then(result => {
                if (seq !== this.searchSeq) {
                    return;
                }

                this.list = (result && result.list) || [];
                this.renderList();
            });
        }

        renderList() {
            const $ul = this.$el.find('.ebla-chat-partners').empty();

            this.list.forEach(u => {
                const on = !!this.selected[u.id];

                $ul.append(
                    $('<li class="list-group-item" role="option" tabindex="0" data-action="togglePartner">')
                        .attr('data-id', u.id)
                        .attr('data-name', u.name || u.userName)
                        .attr('aria-selected', on ? 'true' : 'false')
                        .toggleClass('active', on)
                        .append($('<span class="fas">').addClass(on ? 'fa-check-square' : 'fa-square'))
                        .append(' ')
                        .append($('<span class="ebla-chat-partner-name">').text(u.name || u.userName))
                        .append($('<span class="text-muted">').text(' @' + (u.userName || '')))
                );
            });

            this.$el.find('.ebla-chat-partners-empty').toggleClass('hidden', this.list.length > 0);
        }

        toggle(id, name) {
            if (this.selected[id]) {
                delete this.selected[id];
            }
            else {
                this.selected[id] = name;
            }

            const count = Object.keys(this.selected).length;

            this.$el.find('.ebla-chat-group-name').toggleClass('hidden', count < 2);
            count ? this.enableButton('create') : this.disableButton('create');

            this.renderList();
            this.$el.find('.ebla-chat-partners li[data-id="' + id + '"]').focus();
        }

        actionCreate() {
            const ids = Object.keys(this.selected);

            if (!ids.length) {
                return;
            }

            const body = {memberIds: ids};
            const name = (this.$el.find('#ebla-chat-group-name').val() || '').trim();

            if (ids.length > 1 && name) {
                body.name = name;
            }

            if (this.options.parentType && this.options.parentId) {
                body.parentType = this.options.parentType;
                body.parentId = this.options.parentId;
            }

            this.disableButton('create');

            Espo.Ajax.postRequest('EblaChat/dialogs', body)
                .then(dialog => {
                    this.trigger('created', dialog);
                    this.close();
                })
                .catch(() => this.enableButton('create'));
        }
    };
});
