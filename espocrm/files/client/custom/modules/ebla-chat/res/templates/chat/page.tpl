<div class="ebla-chat-page">
    <aside class="ebla-chat-sidebar" aria-label="{{translate 'Dialogs' scope='EblaChat'}}">
        <div class="ebla-chat-sidebar-head">
            <input type="search" class="form-control input-sm ebla-chat-filter" placeholder="{{translate 'Search'}}" aria-label="{{translate 'Search'}}">
            <button type="button" class="btn btn-default btn-sm" data-action="newDialog" title="{{translate 'New dialog' scope='EblaChat'}}" aria-label="{{translate 'New dialog' scope='EblaChat'}}"><span class="fas fa-plus"></span></button>
        </div>
        <ul class="ebla-chat-dialogs" role="listbox" aria-label="{{translate 'Dialogs' scope='EblaChat'}}"></ul>
        <div class="ebla-chat-dialogs-more hidden"><a role="button" tabindex="0" data-action="moreDialogs">{{translate 'Show more'}}</a></div>
        <div class="ebla-chat-dialogs-empty hidden text-muted">{{translate 'No dialogs yet' scope='EblaChat'}}</div>
    </aside>
    <section class="ebla-chat-main">
        <header class="ebla-chat-main-head hidden">
            <div class="ebla-chat-title">
                <span class="ebla-chat-title-icon fas"></span>
                <h4 class="ebla-chat-title-name"></h4>
                <span class="ebla-chat-title-muted fas fa-bell-slash text-muted hidden" title="{{translate 'Muted' scope='EblaChat'}}"></span>
                <a class="ebla-chat-title-parent"></a>
                <span class="ebla-chat-title-members text-muted small"></span>
            </div>
            <div class="btn-group ebla-chat-dialog-actions">
                <button type="button" class="btn btn-default btn-sm" data-action="members" title="{{translate 'Members' scope='EblaChat'}}" aria-label="{{translate 'Members' scope='EblaChat'}}"><span class="fas fa-users"></span></button>
                <button type="button" class="btn btn-default btn-sm" data-action="toggleMute" title="{{translate 'Mute' scope='EblaChat'}}" aria-label="{{translate 'Mute' scope='EblaChat'}}"><span class="fas fa-bell-slash"></span></button>
                <button type="button" class="btn btn-default btn-sm ebla-chat-group-only" data-action="rename" title="{{translate 'Rename' scope='EblaChat'}}" aria-label="{{translate 'Rename' scope='EblaChat'}}"><span class="fas fa-pencil-alt"></span></button>
                <button type="button" class="btn btn-default btn-sm ebla-chat-group-only" data-action="leave" title="{{translate 'Leave' scope='EblaChat'}}" aria-label="{{translate 'Leave' scope='EblaChat'}}"><span class="fas fa-sign-out-alt"></span></button>
            </div>
        </header>
        <div class="ebla-chat-conversation-container"></div>
        <div class="ebla-chat-placeholder text-muted">{{translate 'Choose a dialog' scope='EblaChat'}}</div>
    </section>
</div>
