/*
 * The members of a dialog; for a group: add people the user may chat with, remove members, leave.
 *
 * Options: dialog. Triggers 'changed' (dialog|null), 'left'.
 */
define('ebla-chat:views/chat/modals/members', ['views/modal', 'ebla-chat:dialog-util'], function (Dep, DialogUtil) {

    return class extends Dep {

        className = 'dialog dialog-record ebla-chat-modal'

        templateContent = `
            <ul class="list-group ebla-chat-members"></ul>
            {{#if isGroup}}
            <div class="form-group">
                <label class="control-label" for="ebla-chat-add-search">{{translate 'Add people' scope='EblaChat'}}</label>
                <input type="search" id="ebla-chat-add-search" class="form-control ebla-chat-add-search" autocomplete="off">
            </div>
            <ul class="list-group ebla-chat-candidates"></ul>
            {{/if}}
        `

        data() {
            return {isGroup: this.dialogRow.type === 'group'};
        }

        setup() {
            this.dialogRow = this.options.dialog;
            this.headerText = this.translate('Members', 'labels', 'EblaChat') + ': ' + (this.dialogRow.name || '');
            this.members = [];

            this.buttonList = [{name: 'cancel', label: 'Close'}];

            if (this.dialogRow.type === 'group') {
                this.buttonList.unshift({name: 'leave', label: this.translate('Leave', 'labels', 'EblaChat'), style: 'danger'});
            }

            this.addActionHandler('removeMember', (e, target) => this.removeMember(target.dataset.id));
            this.addActionHandler('addMember', (e, target) => this.addMember(target.dataset.id));

            this.wait(this.load());
        }

        url() {
            return 'EblaChat/dialogs/' + encodeURIComponent(this.dialogRow.id) + '/members';
        }

        load() {
            return Espo.Ajax.getRequest(this.url()).then(result => {
                this.members = (result && result.list) || [];

                if (this.isRendered()) {
                    this.renderMembers();
                }
            });
        }

        afterRender() {
            DialogUtil.enableKeyboardButtons(this.$el);
            this.renderMembers();

            const $search = this.$el.find('.ebla-chat-add-search');

            $search.on('input', () => {
                clearTimeout(this.searchTimer);
                this.searchTimer = setTimeout(() => this.search($search.val()), 200);
            });
        }

        renderMembers() {
            const $ul = this.$el.find('.ebla-chat-members').empty();
            const isGroup = this.dialogRow.type === 'group';

            this.members.forEach(u => {
                const $li = $('<li class="list-group-item">')
                    .attr('data-id', u.id)
                    .append($('<span class="fas fa-user text-muted">'))
                    .append(' ')
                    .append($('<span>').text(u.name || u.userName))
                    .append($('<span class="text-muted">').text(' @' + (u.userName || '')));

                if (isGroup && u.id !== this.getUser().id) {
                    $li.append(
                        $('<a role="button" tabindex="0" class="pull-right" data-action="removeMember">')
                            .attr('data-id', u.id)
                            .attr('title', this.translate('Remove'))
                            .attr('aria-label', this.translate('Remove') + ' ' + (u.name || ''))
                            .append('<span class="fas fa-times"></span>')
                    );
                }

                $ul.append($li);
            });
        }

        search(q) {
            const params = {maxSize: 10};

            if (q && q.trim()) {
                params.q = q.trim();
            }

            Espo.Ajax.getRequest('EblaChat/partners', params).then(result => {
                const ids = this.members.map(u => u.id);
                const list = ((result && result.list) || []).filter(u => !ids.includes(u.id));
                const $ul = this.$el.find('.ebla-chat-candidates').empty();

                list.forEach(u => {
                    $ul.append(
                        $('<li class="list-group-item" role="button" tabindex="0" data-action="addMember">')
                            .attr('data-id', u.id)
                            .append('<span class="fas fa-plus text-muted"></span> ')
                            .append($('<span>').text(u.name || u.userName))
                            .append($('<span class="text-muted">').text(' @' + (u.userName || '')))
                    );
                });
            });
        }

        addMember(id) {
            Espo.Ajax.postRequest(this.url(), {userIds: [id]}).then(dialog => {
                this.dialogRow = dialog && dialog.id ? dialog : this.dialogRow;
                this.trigger('changed', dialog);
                this.$el.find('.ebla-chat-candidates').empty();
                this.$el.find('.ebla-chat-add-search').val('').focus();
                this.load();
            });
        }

        removeMember(id) {
            Espo.Ajax.deleteRequest(this.url() + '/' + encodeURIComponent(id)).then(() => {
                this.trigger('changed', null);
                this.load();
            });
        }

        actionLeave() {
            this.confirm({
                message: this.translate('confirmLeave', 'messages', 'EblaChat'),
                confirmText: this.translate('Leave', 'labels', 'EblaChat'),
                confirmStyle: 'danger',
            }).then(() => {
                return Espo.Ajax.deleteRequest(this.url() + '/' + encodeURIComponent(this.getUser().id)).then(() => {
                    this.trigger('left');
                    this.close();
                });
            });
        }
    };
});
