<?php

namespace Espo\Modules\EblaChat\Classes\Acl\Dialog;

use Espo\Entities\User;
use Espo\ORM\Entity;
use Espo\ORM\EntityManager;

/** Whether a user is a (non-deleted) member of a dialog, from `dialog_user`. */
class Membership
{
    /** @var array<string, bool> */
    private array $cache = [];

    public function __construct(private EntityManager $entityManager) {}

    public function isMember(User $user, Entity $dialog): bool
    {
        $key = $user->getId() . ':' . $dialog->getId();

        if (!array_key_exists($key, $this->cache)) {
            $this->cache[$key] = (bool) $this->entityManager
                ->getRDBRepository('DialogUser')
                ->where([
                    'dialogId' => $dialog->getId(),
                    'userId' => $user->getId(),
                    'deleted' => false,
                ])
                ->findOne();
        }

        return $this->cache[$key];
    }
}
