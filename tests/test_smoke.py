def test_the_pledge_list_shows_published_pledges_only(client, make):
    published = make.pledge_in_progress(title="Regional Protection")
    make.pledge(title="Unpublished plan")
    page = client.get("/pledges").get_data(as_text=True)
    assert published.title in page
    assert "Unpublished plan" not in page
