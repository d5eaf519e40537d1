package dev.polity.registry.lifecycle.repository;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;
import java.util.UUID;

/** A reviewer's sign-off (or rejection) of a transition. */
@Entity
@Table(name = "transition_sign_off")
public class TransitionSignOffEntity {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    @Column(name = "transition_id", nullable = false)
    public UUID transitionId;

    @Column(nullable = false)
    public String review;

    @Column(nullable = false)
    public String role;

    @Column(nullable = false)
    public boolean approved;

    public String comment;

    @Column(name = "signed_by", nullable = false)
    public String signedBy;

    @Column(name = "signed_at", nullable = false)
    public Instant signedAt;
}
