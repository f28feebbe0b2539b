<?php

namespace Espo\Modules\EblaChat\Classes\FieldProcessing\Dialog;

use Espo\Core\FieldProcessing\Loader;
use Espo\Core\FieldProcessing\Loader\Params;
use Espo\Modules\EblaChat\Classes\Engine;
use Espo\ORM\Entity;

/**
 * EspoCRM's own views of a dialog (list, detail) show what the chat shows: a direct dialog is
 * called after the other member, and the reader's unread and mention counts are filled in.
 *
 * @implements Loader<Entity>
 */
class ChatLoader implements Loader
{
    public function __construct(private Engine $engine) {}

    public function process(Entity $entity, Params $params): void
    {
        if (!Engine::isLoaded() || !$entity->getId()) {
            return;
        }

        try {
            $row = ebla_chat_dialog_get($this->engine->pdo(), $this->engine->actorId(), $entity->getId());
        } catch (\EblaChat\Exception) {
            return;
        }

        $entity->set('name', $row['name']);
        $entity->set('unread', $row['unread']);
        $entity->set('mentions', $row['mentions']);
        $entity->setFetched('name', $row['name']);
    }
}
