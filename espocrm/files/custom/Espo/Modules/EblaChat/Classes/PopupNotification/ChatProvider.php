<?php

namespace Espo\Modules\EblaChat\Classes\PopupNotification;

use Espo\Core\Acl;
use Espo\Core\Utils\Log;
use Espo\Entities\User;
use Espo\Modules\EblaChat\Classes\Engine;
use Espo\ORM\EntityManager;
use Espo\Tools\PopupNotification\Item;
use Espo\Tools\PopupNotification\Provider;

/**
 * EspoCRM's popup notifications for the chat, from ebla_chat_popups(): one item per dialog with
 * messages newer than its last popup; the engine advances the watermark, so an item is returned
 * once and never again on the next poll; muted dialogs never pop up. The item id is
 * "<dialogId>-<last message number>": unique per popup, so the client never takes a later popup
 * of the same dialog for one the user already closed.
 */
class ChatProvider implements Provider
{
    public function __construct(
        private EntityManager $entityManager,
        private Acl $acl,
        private Log $log,
    ) {}

    /** @return Item[] */
    public function get(User $user): array
    {
        if (!Engine::isLoaded() || !$this->acl->checkScope(Engine::SCOPE, 'read')) {
            return [];
        }

        try {
            $popups = ebla_chat_popups($this->entityManager->getPDO(), $user->getId());
        } catch (\EblaChat\Exception $e) {
            $this->log->debug('Ebla Chat popups: ' . $e->getMessage());

            return [];
        }

        $items = [];

        foreach ($popups as $popup) {
            $last = $popup['lastMessage'] ?? null;
            $number = $last['number'] ?? 0;

            $items[] = new Item($popup['dialogId'] . '-' . $number, (object) [
                'dialogId' => $popup['dialogId'],
                'name' => $popup['name'],
                'unread' => $popup['unread'],
                'lastMessage' => $last,
                'url' => '#EblaChat/dialog/' . $popup['dialogId'],
            ]);
        }

        return $items;
    }
}
